"""The class the model-view mixins (conflict detection, one submission, delete preview) extend.

Flask-Admin's ModelView for the type checker, so that `self` and `super()` inside a mixin are
checked; plain `object` at run time, where the mixin sits before ModelView in the MRO.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask_admin.contrib.sqla import ModelView as ModelViewMixin
else:
    ModelViewMixin = object
