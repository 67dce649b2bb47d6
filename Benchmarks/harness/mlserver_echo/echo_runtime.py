"""MLServer custom runtime `echo`: input i -> output-<i> with the same datatype, shape and data."""

from mlserver import MLModel
from mlserver.types import InferenceRequest, InferenceResponse, ResponseOutput


class EchoRuntime(MLModel):
    async def load(self) -> bool:
        return True

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        outputs = [
            ResponseOutput(name=f"output-{i}", shape=t.shape, datatype=t.datatype, data=t.data)
            for i, t in enumerate(payload.inputs)
        ]
        return InferenceResponse(id=payload.id, model_name=self.name, outputs=outputs)
