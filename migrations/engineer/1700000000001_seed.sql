-- Up Migration
INSERT INTO strategic_directives_v2 (id, title, description, status, priority, h_count, m_count, l_count, sequence_rank, app_project_id) VALUES
  ('SD-001', 'Unify the validation rules', 'One rule set for every agent.', 'active', 90, 2, 1, 0, 9007199254740993, 1),
  ('SD-002', 'Protocol handoff templates', 'Templates for LEAD, PLAN and EXEC handoffs.', 'draft', 70, 0, 2, 1, 2, 1),
  ('SD-003', 'Retire the legacy queue', NULL, 'completed', 40, 0, 0, 3, 3, 2);
INSERT INTO sd_backlog_map (sd_id, backlog_id, backlog_title, priority, extras) VALUES
  ('SD-001', 'BL-1', 'Inventory the rules', 1, '{"owner": "ana", "tags": ["rules"]}'),
  ('SD-001', 'BL-2', 'Write the merged rule set', 2, '{"owner": "ben", "estimate": 5}'),
  ('SD-002', 'BL-3', 'Draft the LEAD template', 1, '{}'),
  ('SD-003', 'BL-4', 'Drain the queue', 1, '{"done": true}');

-- Down Migration
DELETE FROM sd_backlog_map;
DELETE FROM strategic_directives_v2;
