ALTER TABLE `runs` ADD `reason_key` varchar(96) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `topology_key` varchar(96) DEFAULT '' NOT NULL;