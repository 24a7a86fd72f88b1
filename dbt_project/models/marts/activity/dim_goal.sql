-- The result goals in the plans' order: the one list of goals (the intake's vocabulary,
-- ingestion/records/vocabulary.py, written by every load), which the activity marts' goal
-- columns are tested against and the report takes its order from.
select
    goal,
    position
from {{ ref('stg_config__result_goals') }}
