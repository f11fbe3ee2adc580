"""回头看: follow-up campaigns that check in the field what units reported as rectified."""
