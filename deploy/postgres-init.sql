-- Run once by the postgres image on an empty data directory
-- (/docker-entrypoint-initdb.d), as POSTGRES_USER, who therefore owns them.
-- Each component appends _<component> to DATABASE_URL's database name.
CREATE DATABASE lighthouse_gateway;
CREATE DATABASE lighthouse_catalogue;
CREATE DATABASE lighthouse_bookings;
CREATE DATABASE lighthouse_networks;
