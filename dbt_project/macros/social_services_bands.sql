{#- The age bands social services report in (first and last single age; 65+ takes in 100 and
    over): one definition for the yearly and the monthly population. -#}
{% macro social_services_bands() %}
    select * from (values
        ('0-17', 0, 17), ('18-64', 18, 64), ('65+', 65, 100)
    ) as b(age_band, first_age, last_age)
{% endmacro %}
