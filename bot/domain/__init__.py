"""Pure rules of the product (schedules, zones, baselines, pie arithmetic): no Slack, no SQL, no clock."""
