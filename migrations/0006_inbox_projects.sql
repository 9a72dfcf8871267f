-- Data migration: every user gets an "Inbox" project (id 1000000 + user id) for tasks without a home.
-- lifeboat:up
INSERT INTO projects (id, owner_id, name)
SELECT 1000000 + u.id, u.id, 'Inbox'
FROM users u
WHERE NOT EXISTS (SELECT 1 FROM projects p WHERE p.owner_id = u.id AND p.name = 'Inbox');

-- lifeboat:verify
SELECT COUNT(*) = 0 FROM projects WHERE name = 'Inbox' AND id >= 1000000 AND id <> 1000000 + owner_id;

-- lifeboat:down
DELETE FROM projects WHERE name = 'Inbox' AND id = 1000000 + owner_id AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.project_id = projects.id);
