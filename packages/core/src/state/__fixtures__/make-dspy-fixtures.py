# Writes dspy-predict.json and dspy-chain-of-thought.json with DSPy 3.3.1 (the oracle in /work/shared/dspy-oracle),
# then checks that DSPy loads x-chain-of-thought.json. Run from this folder: python3 make-dspy-fixtures.py
# DSPy's save() reads cloudpickle.__version__, which the oracle stubs, so a version is given here.
import sys
sys.path.insert(0, '/work/shared/dspy-oracle')
import boot, dspy
import dspy.utils.saving as saving
saving.cloudpickle = type("CP", (), {"__version__": "3.1.1"})
import dspy.primitives.base_module as bm
qa = dspy.Predict("question: str -> answer: int")
qa.demos = [dspy.Example(question="1+1?", answer=2).with_inputs("question"), {"question": "café 2+3?", "answer": 5}, dspy.Example(question="3+4?", answer=7, augmented=True)]
qa.signature = qa.signature.with_instructions("Add the numbers.\nBe exact.")
qa.save("dspy-predict.json")
cot = dspy.ChainOfThought("question -> answer")
cot.predict.demos = [dspy.Example(question="Q", reasoning="R", answer="A")]
cot.save("dspy-chain-of-thought.json")

def get_weather(city: str) -> str:
    """Get the weather for a city."""
    return f"sunny in {city}"
react = dspy.ReAct("question -> answer", tools=[get_weather], max_iters=3)
react.react.demos = [dspy.Example(question="Weather in Oslo?", trajectory="", next_thought="Ask the tool.", next_tool_name="get_weather", next_tool_args={"city": "Oslo"})]
react.extract.predict.demos = [{"question": "Q", "trajectory": "T", "reasoning": "R", "answer": "A"}]
react.save("dspy-react.json")
refine = dspy.Refine(dspy.ChainOfThought("question -> answer"), N=3, reward_fn=lambda args, pred: 1.0, threshold=1.0)
refine.module.predict.demos = [{"question": "Q", "reasoning": "R", "answer": "A"}]
refine.save("dspy-refine.json")

# The other direction: DSPy loads a state file x wrote (write-x-fixture.ts).
loaded = dspy.ChainOfThought("question -> answer")
loaded.load("x-chain-of-thought.json")
assert loaded.predict.signature.instructions == "Answer the café question.", loaded.predict.signature.instructions
assert loaded.predict.demos == [{"question": "Q", "reasoning": "R", "answer": "Ä"}], loaded.predict.demos
print("DSPy loaded x-chain-of-thought.json")

loaded = dspy.ReAct("question -> answer", tools=[get_weather], max_iters=3)
loaded.load("x-react.json")
assert loaded.react.signature.instructions == "Use the tools, then finish.", loaded.react.signature.instructions
assert loaded.react.demos == [{"question": "Weather in Oslo?", "trajectory": "", "next_thought": "Ask the tool.", "next_tool_name": "get_weather", "next_tool_args": {"city": "Oslo"}}], loaded.react.demos
assert loaded.extract.predict.demos == [{"question": "Q", "trajectory": "T", "reasoning": "R", "answer": "A"}], loaded.extract.predict.demos
print("DSPy loaded x-react.json")
