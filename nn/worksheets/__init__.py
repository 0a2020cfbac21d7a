"""Worksheets: backpropagation exercises with each student's own numbers, and a grader that names the mistake.

One job per module:

* `quantities`: the network quantities in textbook notation (``delta[2]_1``, ``dC/dw[1]_12``, ``C'``);
* `network`, `expression`: each quantity by its rule from earlier ones, in
  plain floats, and the way each misconception computes it;
* `misconceptions`: the named mistakes and the rules they break;
* `draws`: each student's numbers from the template's ranges, seeded; `degenerate`: draws to avoid;
* `questions`: the questions, their answers (from `nn.derive` / `autograd.explain`) and tolerances;
* `records`: the sheets and the class set as data; `classroom`: `worksheet`, which fills them;
* `key`: key.json; `files`: writing it all;
* `sheets`: Markdown and LaTeX sheets and keys; `page`: the offline HTML page;
* `answers`: reading answer files; `grading`: `grade`, marks and summaries.
"""

from nn.worksheets.answers import Answers, AnswersError
from nn.worksheets.classroom import StudentSheet, Worksheet, worksheet
from nn.worksheets.grading import Mark, Marks, grade

__all__ = ["Answers", "AnswersError", "Mark", "Marks", "StudentSheet", "Worksheet", "grade", "worksheet"]
