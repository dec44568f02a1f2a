"""Reads a script written by `sciagents export-python` (core/workflow/python_export.h) without
running it and prints, as JSON, the workflow it builds: {"name", "steps": [{"id", "agent", "task",
"params"[, "sweep"]}], "docstring", "tail"}. Every argument of sciagents.Workflow() and
wf.add_step() is evaluated with ast.literal_eval, so the params must be plain Python literals;
"tail" lists the statements after the steps as source text. Exit 2 (with a message on stderr)
when the script is not of that form. Used by tests/cli/test_python_export.cpp.

Usage: python3 python_export_check.py SCRIPT.py
"""

import ast
import json
import sys


def fail(message):
    print("python_export_check: " + message, file=sys.stderr)
    sys.exit(2)


def is_call(node, attr):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == attr)


def main():
    if len(sys.argv) != 2:
        fail("usage: python_export_check.py SCRIPT.py")
    with open(sys.argv[1], encoding="utf-8") as f:
        source = f.read()
    tree = ast.parse(source, sys.argv[1])
    out = {"name": None, "steps": [], "docstring": ast.get_docstring(tree), "tail": []}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and is_call(stmt.value, "Workflow"):
            call = stmt.value
            if call.args or [k.arg for k in call.keywords] != ["name"]:
                fail("sciagents.Workflow() takes name= only")
            out["name"] = ast.literal_eval(call.keywords[0].value)
        elif isinstance(stmt, ast.Expr) and is_call(stmt.value, "add_step"):
            call = stmt.value
            if len(call.args) != 2:
                fail("add_step(id, \"agent.task\", ...) expected at line %d" % stmt.lineno)
            step_id = ast.literal_eval(call.args[0])
            agent, _, task = ast.literal_eval(call.args[1]).partition(".")
            step = {"id": step_id, "agent": agent, "task": task}
            for k in call.keywords:
                if k.arg not in ("params", "sweep"):
                    fail("unexpected keyword %r at line %d" % (k.arg, stmt.lineno))
                step[k.arg] = ast.literal_eval(k.value)
            out["steps"].append(step)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        elif isinstance(stmt, ast.Expr) and stmt is tree.body[0] and out["docstring"]:
            continue
        else:
            out["tail"].append(ast.get_source_segment(source, stmt))
    print(json.dumps(out, allow_nan=False))


if __name__ == "__main__":
    main()
