-- The people who use the example application.
-- lifeboat:up
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- lifeboat:verify
SELECT COUNT(*) = COUNT(DISTINCT lower(email)) FROM users;

-- lifeboat:down
DROP TABLE users;
