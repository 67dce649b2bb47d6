"""Trains the iris classifier's weights and writes weights.json (run once; the output is committed).
   python -m venv /tmp/v && /tmp/v/bin/pip install scikit-learn && /tmp/v/bin/python train_weights.py"""
import json, os
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

data = load_iris()
model = LogisticRegression(max_iter=1000).fit(data.data, data.target)
print("training accuracy", model.score(data.data, data.target))
weights = {
    "coefficients": [[round(float(v), 6) for v in row] for row in model.coef_],
    "intercepts": [round(float(v), 6) for v in model.intercept_],
    "labels": [str(name) for name in data.target_names],
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.json"), "w") as f:
    json.dump(weights, f, indent=2)
