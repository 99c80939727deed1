-- The demo's export: yesterday's sales per region, from the demo database.
-- Several statements run in one session: the temporary table made first is
-- there for the last statement, whose rows become the CSV.
CREATE TEMP TABLE day_sales AS
  SELECT region, product, quantity, unit_price, quantity * unit_price AS amount,
         note, sold_at
  FROM sales
  WHERE sold_at < :window_end;
SELECT region, product, quantity, unit_price, amount, note, sold_at
  FROM day_sales ORDER BY sold_at, region, product;
