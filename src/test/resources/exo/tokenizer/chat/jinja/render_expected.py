"""Renders every NAME.jinja in a directory over the conversations in CASES, as Hugging Face
transformers renders chat templates (transformers_env.py), into DIR/expected/: cases.json
(the conversations, each template's BOS/EOS texts, jinja2's verdict per template and
conversation, the date strftime_now answered) and NAME.CASE.txt for every rendering that
succeeded. exo's tests (ReferenceSet) compare their own renderings with these, byte for byte.

Usage: python3 render_expected.py DIR [--specials FILE.json]
  FILE.json maps a template name to {"bos_token": ..., "eos_token": ...}; templates it does not
  name get "<s>" and "</s>".  Needs jinja2 3.1 (tested with 3.1.6).
"""
import argparse
import datetime
import json
import os
import sys

from transformers_env import environment

DATE = datetime.datetime(2026, 7, 26)

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}

TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Local time in a time zone",
        "parameters": {
            "type": "object",
            "properties": {"zone": {"type": "string", "description": "IANA zone"},
                           "hours24": {"type": "boolean", "default": True}},
            "required": ["zone"],
        },
    },
}


def call(call_id, name, arguments):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


CASES = {
    "user": {"messages": [{"role": "user", "content": "Why is the sky blue?"}],
             "add_generation_prompt": True},
    "system-user": {"messages": [{"role": "system", "content": "Answer in one sentence."},
                                 {"role": "user", "content": "Hello"}],
                    "add_generation_prompt": True},
    "multi-turn": {"messages": [{"role": "system", "content": "You are terse."},
                                {"role": "user", "content": "Hi there"},
                                {"role": "assistant", "content": "Hello! How can I help?"},
                                {"role": "user", "content": "Name 3 colours:\n- one\n- two"}],
                   "add_generation_prompt": True},
    "no-generation-prompt": {"messages": [{"role": "user", "content": "Ping"},
                                          {"role": "assistant", "content": "Pong"}],
                             "add_generation_prompt": False},
    "unicode": {"messages": [{"role": "user",
                              "content": "\u00dcn\u00efc\u00f6d\u00e9 \u2713 \u65e5\u672c\u8a9e \U0001F600 \"quotes\" {braces} <tags> \\ back"}],
                "add_generation_prompt": True},
    "tools": {"tools": [WEATHER_TOOL],
              "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
              "add_generation_prompt": True},
    "tool-result": {"tools": [WEATHER_TOOL],
                    "messages": [{"role": "user", "content": "What is the weather in Paris?"},
                                 {"role": "assistant", "content": "",
                                  "tool_calls": [call("call12345", "get_weather", {"city": "Paris", "unit": "celsius"})]},
                                 {"role": "tool", "tool_call_id": "call12345", "name": "get_weather",
                                  "content": "{\"temperature\": 22}"}],
                    "add_generation_prompt": True},
    "two-tool-calls": {"tools": [WEATHER_TOOL, TIME_TOOL],
                       "messages": [{"role": "system", "content": "Use tools when they help."},
                                    {"role": "user", "content": "Weather and time in Oslo?"},
                                    {"role": "assistant", "content": None,
                                     "tool_calls": [call("call00001", "get_weather", {"city": "Oslo"}),
                                                    call("call00002", "get_time", "{\"zone\": \"Europe/Oslo\"}")]},
                                    {"role": "tool", "tool_call_id": "call00001", "name": "get_weather",
                                     "content": "{\"temperature\": -3, \"sky\": \"snow\"}"},
                                    {"role": "tool", "tool_call_id": "call00002", "name": "get_time",
                                     "content": "14:05"},
                                    {"role": "assistant", "content": "It snows at -3 \u00b0C; it is 14:05."},
                                    {"role": "user", "content": "Thanks!"}],
                       "add_generation_prompt": True},
    "thinking-off": {"messages": [{"role": "system", "content": "Answer in one sentence."},
                                  {"role": "user", "content": "Hello"}],
                     "add_generation_prompt": True, "variables": {"enable_thinking": False}},
    "reasoning": {"messages": [{"role": "user", "content": "What is 2+2?"},
                               {"role": "assistant", "content": "4",
                                "reasoning_content": "Two plus two is four."},
                               {"role": "user", "content": "And 3+3?"}],
                  "add_generation_prompt": True},
    "think-in-content": {"messages": [{"role": "user", "content": "What is 2+2?"},
                                      {"role": "assistant", "content": "<think>\nTwo and two.\n</think>\n\n4"}],
                         "add_generation_prompt": False},
    "content-parts": {"messages": [{"role": "user", "content": [{"type": "text", "text": "Describe "},
                                                                {"type": "text", "text": "this."}]}],
                      "add_generation_prompt": True},
}


def render_all(directory, specials_file):
    specials_map = {}
    if specials_file:
        with open(specials_file, encoding="utf-8") as f:
            specials_map = json.load(f)
    env = environment(DATE)
    names = sorted(n[:-len(".jinja")] for n in os.listdir(directory) if n.endswith(".jinja"))
    out_dir = os.path.join(directory, "expected")
    os.makedirs(out_dir, exist_ok=True)
    specials, results = {}, {}
    for name in names:
        with open(os.path.join(directory, name + ".jinja"), encoding="utf-8", newline="") as f:
            source = f.read()
        specials[name] = specials_map.get(name, {"bos_token": "<s>", "eos_token": "</s>"})
        results[name] = {}
        for case_name, case in CASES.items():
            kwargs = dict(case.get("variables", {}))
            kwargs.update(messages=case["messages"], add_generation_prompt=case["add_generation_prompt"],
                          **specials[name])
            if "tools" in case:  # transformers passes no tools variable at all without tools
                kwargs["tools"] = case["tools"]
            try:
                text = env.from_string(source).render(**kwargs)
            except Exception as e:  # what the template refused is part of the reference
                results[name][case_name] = "error: " + str(e)
                continue
            results[name][case_name] = "ok"
            with open(os.path.join(out_dir, f"{name}.{case_name}.txt"), "w", encoding="utf-8", newline="") as f:
                f.write(text)
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        json.dump({"date_for_strftime_now": DATE.date().isoformat(), "cases": CASES, "specials": specials,
                   "results": results}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    refused = sum(v != "ok" for r in results.values() for v in r.values())
    print(f"{len(names)} templates x {len(CASES)} conversations, {refused} refused", file=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--specials")
    args = parser.parse_args()
    render_all(args.directory, args.specials)
