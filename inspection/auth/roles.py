"""Role codes and their Chinese names; one place to review."""
ADMIN = "admin"
COORDINATOR = "coordinator"
INSPECTOR = "inspector"
REVIEWER = "reviewer"
LIAISON = "liaison"
VIEWER = "viewer"

ROLES = (ADMIN, COORDINATOR, INSPECTOR, REVIEWER, LIAISON, VIEWER)

ROLE_LABELS = {
    ADMIN: "系统管理员",
    COORDINATOR: "督查组织者",
    INSPECTOR: "暗访员",
    REVIEWER: "审核人",
    LIAISON: "单位联络人",
    VIEWER: "领导",
}

# Roles that plan or review and so may see every campaign (the commission's inner circle).
COMMISSION = (ADMIN, COORDINATOR, REVIEWER)
