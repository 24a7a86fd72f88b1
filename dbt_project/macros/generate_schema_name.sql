{# Schemas are named staging / intermediate / marts, not <target>_marts: analysts query marts.* #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
