"""Executing the pack's page notebooks for a month (papermill, in kernels shared by the pages).

>>> from cpblib.execute import execute_pages, kernel_pool
>>> callable(execute_pages), callable(kernel_pool)
(True, True)
"""

from ._execute import Executed, NotebookFailed, NotebookJob, clean, execute_pages, kernel_pool, plan

__all__ = ["Executed", "NotebookFailed", "NotebookJob", "clean", "execute_pages", "kernel_pool", "plan"]
