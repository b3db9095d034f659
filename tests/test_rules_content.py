"""The default rules hold everything DOMAIN.md lists, with the counts and order the sources give."""

import pytest

from playbook.ruleset import load_rules

RULES = load_rules()

COUNTS = {
    # 1. Key accounts and targeting
    "account_differences": 4, "purchase_factors": 8, "development_factors": 6, "account_tiers": 3,
    "development_conditions": 4, "development_path": 4, "account_strategies": 3,
    # 2. Prospecting
    "prospect_requirements": 3, "prospect_kinds": 4, "channels": 14, "intelligence_sources": 21,
    "prospecting_cases": 2,
    # 3. Qualification
    "man_dimensions": 3, "man_combinations": 8,
    # 4. The buying centre
    "buyer_levels": 3, "buyer_functions": 3, "buyer_roles": 6, "buying_process": 7, "selling_process": 5,
    "social_style_axes": 2, "social_styles": 4, "style_adaptations": 4, "temperaments": 12,
    "relationship_stages": 4, "selling_ways": 9, "relationship_principles": 8, "maintenance_habits": 12,
    # 5. Needs
    "dissatisfaction_stages": 4, "need_kinds": 2, "hidden_costs": 6, "competitive_analysis_steps": 3,
    # 6. Opportunities
    "opportunity_periods": 4, "opportunity_stages": 5, "grading_indicators": 8, "grading_steps": 5,
    # 7. Pricing and negotiation
    "quoting_principles": 5, "quoting_methods": 3, "concession_trades": 3, "goal_tiers": 3,
    "buying_criteria_kinds": 4, "follow_on_periods": 3,
    # 8. Growth and retention
    "maintenance_measures": 12, "retention_levers": 5, "lock_in_costs": 7, "loyalty_kinds": 4,
    "lifecycle_stages": 4, "contract_phases": 4,
    # 9. Churn, win-back and complaints
    "churn_causes": 9, "churn_cause_groups": 4, "complaint_kinds": 5, "complaint_steps": 5,
    "no_fault_cases": 5, "winback_policies": 4,
    # 10. Competition
    "competitor_kinds": 7, "competitive_strategies": 3,
    # 11. Receivables
    "receivable_causes": 3, "collection_matrix": 4, "collection_actions": 4, "credit_checks": 3,
}


@pytest.mark.parametrize("collection,count", COUNTS.items())
def test_collection_holds_what_the_sources_list(collection, count):
    assert len(RULES.items(collection)) == count


def ids(collection):
    return [item["id"] for item in RULES.items(collection)]


def test_opportunity_stages_in_order():
    assert ids("opportunity_stages") == ["potential", "valid", "feasible", "target", "won"]
    rates = [s["preset_win_rate"] for s in RULES.items("opportunity_stages")]
    assert rates == sorted(rates) and rates[-1] == 1.0


def test_complaint_steps_in_order():
    assert [s["keyword"] for s in RULES.items("complaint_steps")] == ["稳", "问", "动", "传", "换"]


def test_relationship_stages_in_order():
    assert ids("relationship_stages") == ["acquaintance", "dating", "trust", "alliance"]


def test_goal_tiers_in_order():
    assert ids("goal_tiers") == ["goal_must", "goal_strive", "goal_challenge"]


def test_the_man_matrix():
    by_code = {c["code"]: c for c in RULES.items("man_combinations")}
    assert by_code["M A N"]["verdict"] == "pursue"
    assert by_code["m a n"]["verdict"] == "stop"
    for code in ("M a n", "m A n", "m a N"):
        assert by_code[code]["verdict"] == "cultivate"
    # 有效商机 is a need the customer has raised (source 003): without need, no further than potential
    for code, combination in by_code.items():
        assert (combination["max_stage"] == "potential") == (not combination["need"]), code


def test_the_social_style_grid():
    grid = {(s["dominance"], s["responsiveness"]): s["id"] for s in RULES.items("social_styles")}
    assert grid == {("strong", "low"): "driver", ("strong", "high"): "expressive",
                    ("weak", "high"): "amiable", ("weak", "low"): "analytical"}


def test_the_collection_matrix():
    matrix = {(q["overdue"], q["amount"]): q["action"] for q in RULES.items("collection_matrix")}
    assert matrix == {("short", "small"): "collect_finance_routine", ("long", "small"): "collect_escalate_letters",
                      ("short", "large"): "collect_salesperson_visit",
                      ("long", "large"): "collect_special_arrangement"}
    assert RULES.threshold("long_overdue_days") == 90
    assert RULES.threshold("large_receivable_amount") == 100000


def test_public_and_non_public_intelligence_sources():
    access = [s["access"] for s in RULES.items("intelligence_sources")]
    assert access.count("public") == 11 and access.count("non_public") == 10


def test_sensitive_personal_information_is_marked():
    sensitive = {i["id"] for i in RULES.items("personal_info") if i["sensitive"]}
    assert {"info_religion", "info_health", "info_places_frequented"} <= sensitive
