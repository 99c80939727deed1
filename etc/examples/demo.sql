-- The demo database: a few sales with the data that breaks naive CSV
-- (commas, quotes, newlines, NULLs, non-ASCII).
CREATE TABLE sales (region TEXT, product TEXT, quantity INTEGER,
                    unit_price REAL, note TEXT, sold_at TEXT);
INSERT INTO sales VALUES
  ('north', 'widget', 3, 2.5, NULL, '2026-01-01T09:00:00Z'),
  ('south', 'gadget, large', 1, 19.99, 'customer said "rush"', '2026-01-01T10:30:00Z'),
  ('east', 'gizmo', 12, 0.1, 'two
lines', '2026-01-01T11:00:00Z'),
  ('west', 'café crème', 2, 3.3333333333333335, '', '2026-01-01T12:00:00Z');
