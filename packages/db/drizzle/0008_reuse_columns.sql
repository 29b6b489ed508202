ALTER TABLE `run_process` ADD `reused_from` char(36);--> statement-breakpoint
ALTER TABLE `task_results` ADD `selection_hash` char(64);--> statement-breakpoint
ALTER TABLE `topologies` ADD `selection_hashes` json;