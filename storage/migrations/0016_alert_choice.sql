-- The leadership gets alerts as one digest a day unless they choose each alert as it comes
-- (/canhbao): their choice.
ALTER TABLE people ADD COLUMN alerts_each INTEGER NOT NULL DEFAULT 0;
