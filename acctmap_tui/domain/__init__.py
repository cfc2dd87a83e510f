"""Pure domain logic: vocabulary, values, scoring, plan health and forecasts."""
