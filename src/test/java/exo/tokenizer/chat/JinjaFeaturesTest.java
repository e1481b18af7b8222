package exo.tokenizer.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What model templates use beyond the four reference ones, each rendered as jinja2 renders it
 * (the expected strings are jinja2 3.1's output with trim_blocks and lstrip_blocks).
 */
class JinjaFeaturesTest {
    private static final List<ChatMessage> CHAT = List.of(new ChatMessage("system", "Be brief."),
            new ChatMessage("user", "  Hi there  "), new ChatMessage("assistant", "Hello"),
            new ChatMessage("user", "Bye"));

    private static String render(String template) {
        return ChatTemplate.of(template, "<s>", "</s>").withToday(LocalDate.of(2026, 7, 26)).render(CHAT, true);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '`', textBlock = """
            `a  {{- 'b' -}}  c` => abc
            `a\n  {%- if true -%}\n  b\n  {%- endif -%}\n  c` => abc
            `{% for m in messages %}{{ m.role[0] }}{% endfor %}` => suau
            `{%- for m in messages -%}{{ m.role }}{% if not loop.last %},{% endif %}{%- endfor %}` => system,user,assistant,user
            `{% for m in messages %}{{ loop.index0 }}{{ loop.length }}{% endfor %}` => 04142434
            `{% for x in [1, 2, 3, 4] %}{% if x == 3 %}{% break %}{% endif %}{{ x }}{% endfor %}` => 12
            `{% for x in [1, 2, 3, 4] %}{% if x is even %}{% continue %}{% endif %}{{ x }}{% endfor %}` => 13
            `{% set ns = namespace(n=0) %}{% for m in messages %}{% if m.role == 'user' %}{% set ns.n = ns.n + 1 %}{% endif %}{% endfor %}{{ ns.n }}` => 2
            `{{ messages[1].content.strip() }}|{{ messages[1].content | trim }}` => Hi there|Hi there
            `{{ 'a,b,c'.split(',') | join('+') }}` => a+b+c
            `{% if messages[0].content.startswith('Be') and 'brief' in messages[0].content %}yes{% endif %}` => yes
            `{% if messages[2].content.endswith('lo') %}yes{% endif %}` => yes
            `{{ 'shout'.upper() }} {{ 'QUIET'.lower() }} {{ 'two words'.title() }}` => SHOUT quiet Two Words
            `{{ 'a-b'.replace('-', '+') }} {{ 'hello'[1:3] }} {{ 'hello'[-1] }}` => a+b el o
            `{{ messages[-1].content }} {{ messages | length }} {{ (messages | last).role }}` => Bye 4 user
            `{{ messages[1:] | map(attribute='role') | join(',') }}` => user,assistant,user
            `{{ messages | selectattr('role', 'equalto', 'user') | list | length }}` => 2
            `{% if tools is not defined and tools is none or not tools %}none{% endif %}` => none
            `{{ undefined_thing | default('d') }} {{ bos_token ~ eos_token }}` => d <s></s>
            `{% if messages[0] is mapping and messages[0].content is string %}ok{% endif %}` => ok
            `{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d') }}|{{ strftime_now('%B %-d') }}` => 26 Jul 2026|2026-07-26|July 26
            `{{ {'name': 'f', 'n': [1, 2], 'q': "it's \\"x\\""} | tojson }}` => {"name": "f", "n": [1, 2], "q": "it's \\"x\\""}
            `{{ 'ü ✓' | tojson }}` => "ü ✓"
            `{% raw %}{{- not a tag -}}{% endraw %}` => {{- not a tag -}}
            """)
    void rendersAsJinja2(String template, String expected) {
        assertEquals(expected.replace("\\n", "\n"), render(template.replace("\\n", "\n")));
    }

    @Test
    void tojsonIndentsAsPythonsJsonDumps() {
        assertEquals("{\n    \"a\": 1,\n    \"b\": [\n        true,\n        null\n    ]\n}",
                render("{{ {'a': 1, 'b': [true, none]} | tojson(indent=4) }}"));
    }

    @Test
    void raiseExceptionRefusesWithItsMessage() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> render("{% if messages[0].role == 'system' %}{{ raise_exception('no system role') }}{% endif %}"));
        assertEquals("chat template refused the conversation: no system role", e.getMessage());
    }
}
