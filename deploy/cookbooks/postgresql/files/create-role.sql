-- Run by psql with -v name=... -v password=...: both are quoted by psql, never pasted.
CREATE ROLE :"name" LOGIN PASSWORD :'password';
