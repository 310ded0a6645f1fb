"""« Plan complet »: one back-office page per plan that shows its whole tree and where its
coordinators build it, a plain form per item (each works without JavaScript)."""
