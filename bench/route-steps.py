#!/usr/bin/env python3
"""Counts the steps of the YAML routes by kind, and the Java lines of the beans they call (issue #17's measure).

    bench/route-steps.py [repo-dir]

A step is every processor in a route: `bean` (and `method`) steps are bean calls; `to`/`toD`/`sql:`… are endpoints;
everything else (choice, split, loop, doTry, setProperty, filter, transacted, …) is an EIP, except set/remove/log steps, counted apart. REST verbs count as
endpoints. A route that is only "from → bean(s)" is listed. Bean classes are found from the names bound in the
Camel registry (registry.bind / @BindToRegistry / YAML beans) and measured as non-blank, non-comment lines.
"""
import os
import re
import sys
from collections import Counter

import yaml

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
BEAN_KEYS = {"bean", "method"}
ENDPOINT_KEYS = {"to", "toD", "wireTap", "enrich", "pollEnrich", "poll", "recipientList"}
# steps that only set or clear a value on the message: counted apart from the EIPs that carry the flow
SHAPING = {"setProperty", "setHeader", "setBody", "setVariable", "removeHeaders", "removeHeader", "removeProperty",
           "removeProperties", "convertBodyTo", "log"}
# keys inside a step that hold nested step lists or options, never steps themselves
CONTAINERS = {"steps", "when", "otherwise", "doCatch", "doFinally", "onWhen", "exception"}
NOT_STEPS = {"simple", "constant", "expression", "header", "exchangeProperty", "jsonpath", "method", "ref", "uri",
             "parameters", "name", "id", "description", "variableReceive", "variableSend"}

counts = Counter()
bean_refs = set()
bean_only_routes = []


def walk_steps(steps, kinds):
    for step in steps or []:
        if not isinstance(step, dict):
            continue
        for key, body in step.items():
            if key in BEAN_KEYS:
                kinds["bean"] += 1
                if isinstance(body, dict) and body.get("ref"):
                    bean_refs.add(body["ref"])
            elif key in ENDPOINT_KEYS:
                kinds["endpoint"] += 1
            elif key in SHAPING:
                kinds["shaping"] += 1
            else:
                kinds["eip"] += 1
            if isinstance(body, dict):
                walk_nested(body, kinds)


def walk_nested(body, kinds):
    for k, v in body.items():
        if k == "steps":
            walk_steps(v, kinds)
        elif k in ("when", "doCatch") and isinstance(v, list):
            for branch in v:
                if isinstance(branch, dict):
                    walk_steps(branch.get("steps"), kinds)
                    # expression-language bean calls inside a branch condition are not steps
        elif k in ("otherwise", "doFinally") and isinstance(v, dict):
            walk_steps(v.get("steps"), kinds)
        elif isinstance(v, dict) and k not in NOT_STEPS:
            walk_nested(v, kinds)


def route_body(entry):
    if "route" in entry:
        return entry["route"], entry["route"].get("id")
    if "routeTemplate" in entry:
        return entry["routeTemplate"]["route"], entry["routeTemplate"].get("id")
    return None, None


routes_dir = os.path.join(ROOT, "routes")
route_count = 0
for name in sorted(os.listdir(routes_dir)):
    if not name.endswith((".yaml", ".yml")):
        continue
    with open(os.path.join(routes_dir, name)) as f:
        docs = yaml.safe_load(f) or []
    for entry in docs:
        if not isinstance(entry, dict):
            continue
        if "rest" in entry:
            rest = entry["rest"]
            for verb in ("get", "post", "put", "delete", "patch", "head"):
                for v in rest.get(verb, []) or []:
                    route_count += 1
                    counts["endpoint"] += 1  # a REST verb: its from and its to
            continue
        if "routeConfiguration" in entry:
            rc = entry["routeConfiguration"]
            for oe in rc.get("onException", []) or []:
                kinds = Counter()
                walk_steps((oe.get("onException") or {}).get("steps"), kinds)
                counts.update(kinds)
            for key in ("intercept", "interceptFrom", "onCompletion"):
                for ic in rc.get(key, []) or []:
                    kinds = Counter()
                    inner = ic.get(key) if isinstance(ic, dict) else None
                    walk_steps((inner or {}).get("steps"), kinds)
                    counts.update(kinds)
            continue
        route, rid = route_body(entry)
        if route is None:
            continue
        route_count += 1
        kinds = Counter()
        walk_steps(route.get("from", {}).get("steps"), kinds)
        counts.update(kinds)
        if kinds["bean"] > 0 and kinds["eip"] == 0 and kinds["endpoint"] == 0:  # set/remove/log steps do not count
            bean_only_routes.append(f"{name}:{rid}")

# registry name -> class, from AppBeans-style bindings
src = os.path.join(ROOT, "src", "main", "java")
classes = {}
for dirpath, _, files in os.walk(src):
    for fn in files:
        if fn.endswith(".java"):
            classes.setdefault(fn[:-5], os.path.join(dirpath, fn))
bound = {}
for dirpath, _, files in os.walk(src):
    for fn in files:
        if not fn.endswith(".java"):
            continue
        text = open(os.path.join(dirpath, fn)).read()
        for m in re.finditer(r'bind\("(\w+)",\s*(?:new\s+([\w.]+)\(|(\w+)\))', text):
            name, cls, var = m.group(1), m.group(2), m.group(3)
            if cls:
                bound[name] = cls.split(".")[-1]
            elif var:
                d = re.search(r'(?:(\w+)(?:<[^>]*>)?|var)\s+' + var + r'\s*=\s*(?:new\s+([\w.]+)|([\w.]+)\.)', text)
                if d:
                    bound[name] = (d.group(1) if d.group(1) and d.group(1) != "var" else (d.group(2) or d.group(3) or "")).split(".")[-1]
        for m in re.finditer(r'@BindToRegistry\("(\w+)"\)[^;{]*?\s(\w+)\s*\(', text):
            pass


def java_lines(path):
    n, in_block = 0, False
    for line in open(path):
        s = line.strip()
        if in_block:
            in_block = "*/" not in s
            continue
        if s.startswith("/*"):
            in_block = "*/" not in s
            continue
        if not s or s.startswith("//") or s.startswith("*"):
            continue
        n += 1
    return n


bean_lines = 0
measured = []
for ref in sorted(bean_refs):
    cls = bound.get(ref)
    path = classes.get(cls or "")
    if path:
        lines = java_lines(path)
        bean_lines += lines
        measured.append(f"{ref}={cls}:{lines}")
    else:
        measured.append(f"{ref}=?")

total = sum(counts.values())
print(f"routes: {route_count}")
print(f"steps: {total}  bean calls: {counts['bean']}  EIPs: {counts['eip']}  endpoints: {counts['endpoint']}"
      f"  set/remove/log: {counts['shaping']}")
print(f"bean calls share: {counts['bean'] / total:.0%}" if total else "bean calls share: -")
print(f"routes that are only from -> bean(s): {len(bean_only_routes)} {' '.join(bean_only_routes)}")
print(f"Java lines (non-blank, non-comment) in the {len(bean_refs)} beans the routes call: {bean_lines}")
print("  " + " ".join(measured))
