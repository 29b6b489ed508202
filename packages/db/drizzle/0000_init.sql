CREATE TABLE `run_events` (
	`position` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event_id` char(36) NOT NULL,
	`type` varchar(64) NOT NULL,
	`version` int NOT NULL,
	`run_id` char(36) NOT NULL,
	`task_id` char(36),
	`producer` varchar(64) NOT NULL,
	`occurred_at` datetime(3) NOT NULL,
	`recorded_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`data` json NOT NULL,
	CONSTRAINT `run_events_position` PRIMARY KEY(`position`),
	CONSTRAINT `run_events_event_id_unique` UNIQUE(`event_id`)
);
--> statement-breakpoint
CREATE TABLE `run_process` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`run_id` char(36) NOT NULL,
	`task_id` char(36) NOT NULL,
	`selection` varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
	`start_date` varchar(16),
	`end_date` varchar(16),
	`task_status` varchar(16) NOT NULL,
	`status_key` varchar(128) NOT NULL,
	`generation` int NOT NULL DEFAULT 0,
	`attempt` int NOT NULL DEFAULT 0,
	`worker_id` varchar(128),
	`queued_at` datetime(3),
	`queued_key` varchar(96),
	`started_at` datetime(3),
	`started_key` varchar(128),
	`finished_at` datetime(3),
	`duration_ms` double,
	`error` text,
	`summary` json,
	`last_heartbeat_at` datetime(3),
	CONSTRAINT `run_process_id` PRIMARY KEY(`id`),
	CONSTRAINT `run_process_task_id_unique` UNIQUE(`task_id`)
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` char(36) NOT NULL,
	`status` varchar(20) NOT NULL,
	`status_key` varchar(96) NOT NULL,
	`window_start` varchar(16),
	`window_end` varchar(16),
	`chunk` varchar(8),
	`selections` json,
	`topology_source` varchar(1024),
	`calculation` varchar(64),
	`requested_by` varchar(128),
	`requested_at` datetime(3),
	`topology_id` varchar(64),
	`task_count` int,
	`generation` int NOT NULL DEFAULT 0,
	`planned_count` int,
	`started_at` datetime(3),
	`completed_at` datetime(3),
	`reason` text,
	`cancel_requested` boolean NOT NULL DEFAULT false,
	`completed_generation` int,
	`completion_published` boolean NOT NULL DEFAULT false,
	CONSTRAINT `runs_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `task_results` (
	`run_id` char(36) NOT NULL,
	`task_id` char(36) NOT NULL,
	`selection` varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`start_date` varchar(16) NOT NULL,
	`end_date` varchar(16) NOT NULL,
	`cable_id` varchar(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	`capacity_kw` double NOT NULL,
	`peak_kw` double NOT NULL,
	`peak_at` varchar(16) NOT NULL,
	`utilization` double NOT NULL,
	`overloaded_intervals` int NOT NULL,
	`energy_kwh` double NOT NULL,
	CONSTRAINT `task_results_task_id_cable_id_pk` PRIMARY KEY(`task_id`,`cable_id`)
);
--> statement-breakpoint
CREATE TABLE `topologies` (
	`id` varchar(64) NOT NULL,
	`content_hash` char(64) NOT NULL,
	`source` varchar(1024) NOT NULL,
	`selections` json NOT NULL,
	`node_count` int NOT NULL,
	`data` mediumblob NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `topologies_id` PRIMARY KEY(`id`),
	CONSTRAINT `topologies_content_hash_unique` UNIQUE(`content_hash`)
);
--> statement-breakpoint
CREATE INDEX `run_events_run_position` ON `run_events` (`run_id`,`position`);--> statement-breakpoint
CREATE INDEX `run_events_run_type` ON `run_events` (`run_id`,`type`);--> statement-breakpoint
CREATE INDEX `run_process_run_status` ON `run_process` (`run_id`,`task_status`);--> statement-breakpoint
CREATE INDEX `run_process_stalled` ON `run_process` (`task_status`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `task_results_export` ON `task_results` (`run_id`,`selection`,`start_date`,`cable_id`);