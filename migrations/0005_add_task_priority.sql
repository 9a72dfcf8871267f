-- Tasks get a priority from 1 (urgent) to 3 (someday); overdue open tasks become urgent.
-- lifeboat:up
ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3);
UPDATE tasks SET priority = 1 WHERE done = FALSE AND due_on IS NOT NULL AND due_on < CURRENT_DATE;

-- lifeboat:verify
SELECT COUNT(*) = 0 FROM tasks WHERE priority NOT IN (1, 2, 3);

-- lifeboat:down
ALTER TABLE tasks DROP COLUMN priority;
