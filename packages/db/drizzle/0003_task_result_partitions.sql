CREATE TABLE `task_results` (
	`task_id` char(36) NOT NULL,
	`run_id` char(36) NOT NULL,
	`selection` varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`start_date` varchar(16) NOT NULL,
	`end_date` varchar(16) NOT NULL,
	`row_count` int NOT NULL,
	`stats` json NOT NULL,
	`data` mediumblob NOT NULL,
	CONSTRAINT `task_results_task_id` PRIMARY KEY(`task_id`)
);
--> statement-breakpoint
CREATE INDEX `task_results_export` ON `task_results` (`run_id`,`selection`,`start_date`);