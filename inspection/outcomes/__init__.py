"""处理意见: what was done to each person a confirmed finding involves, counted by measure and cadre level."""
