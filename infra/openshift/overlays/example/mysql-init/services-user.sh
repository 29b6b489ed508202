# Sourced by the MySQL image's entrypoint at the first start of an empty data directory, after it
# created MYSQL_DATABASE and MYSQL_USER (the migration user). The services get rows, not the schema:
# the same grants as README "Database grants".
docker_process_sql --database=mysql <<-EOSQL
	CREATE USER IF NOT EXISTS '${CONVEYOR_SERVICES_USER}'@'%' IDENTIFIED BY '${CONVEYOR_SERVICES_PASSWORD}';
	GRANT SELECT, INSERT, UPDATE, DELETE ON \`${MYSQL_DATABASE}\`.* TO '${CONVEYOR_SERVICES_USER}'@'%';
EOSQL
