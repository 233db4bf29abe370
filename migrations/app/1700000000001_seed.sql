-- Up Migration
INSERT INTO projects (id, name, owner_email) VALUES
  (1, 'Switchyard console', 'ana@example.com'),
  (2, 'Mobile app', 'ben@example.com');
SELECT setval('projects_id_seq', 2);
INSERT INTO users (project_id, email, role) VALUES
  (1, 'ana@example.com', 'owner'),
  (1, 'cy@example.com', 'member'),
  (2, 'ben@example.com', 'owner');

-- Down Migration
DELETE FROM users;
DELETE FROM projects;
