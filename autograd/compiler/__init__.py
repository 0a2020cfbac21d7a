"""The compiler: trace a function on Values once, then run it as generated straight-line code.

* `trace`: `autograd.compile` records the graph and wraps the generated code;
* `codegen`: writes a traced graph's forward and backward pass as source, Python or JavaScript;
* `javascript`: the helpers a JavaScript script carries; `inert`: user text made safe in source.
"""
