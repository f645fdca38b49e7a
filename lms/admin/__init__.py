"""The admin's model views, one module per domain, on the base class in lms.admin.base.

lms.site registers them (with the dashboards and the Reports page) in the menu's order.
"""
