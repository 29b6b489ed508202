ALTER TABLE `runs` ADD `queued_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `started_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `finished_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `failed_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `runs` ADD `cancelled_count` int DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The counts of the runs recorded before them, from their task rows; a run with task rows but no run
-- row yet gets one, as the poller now creates it with its first task row.
INSERT INTO `runs` (`id`, `status`, `status_key`)
SELECT DISTINCT `p`.`run_id`, 'REQUESTED', '' FROM `run_process` `p`
WHERE NOT EXISTS (SELECT 1 FROM `runs` `r` WHERE `r`.`id` = `p`.`run_id`);--> statement-breakpoint
UPDATE `runs` `r` JOIN (
  SELECT `run_id`,
    SUM(`task_status` = 'QUEUED') AS `queued`,
    SUM(`task_status` = 'STARTED') AS `started`,
    SUM(`task_status` = 'FINISHED') AS `finished`,
    SUM(`task_status` = 'FAILED') AS `failed`,
    SUM(`task_status` = 'CANCELLED') AS `cancelled`
  FROM `run_process` GROUP BY `run_id`
) `c` ON `c`.`run_id` = `r`.`id`
SET `r`.`queued_count` = `c`.`queued`, `r`.`started_count` = `c`.`started`,
  `r`.`finished_count` = `c`.`finished`, `r`.`failed_count` = `c`.`failed`,
  `r`.`cancelled_count` = `c`.`cancelled`;
