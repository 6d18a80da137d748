"""Per-feature string tables, merged into `ui.i18n.STRINGS`: one module per feature keeps their keys apart."""
