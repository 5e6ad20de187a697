"""Project tables, as the page reader keeps them, written out as sentences."""
from yrdwatch.extract.tables import tables_as_sentences


def test_space_separated_rows_take_the_unit_of_their_header():
    text = ("集中开工部分项目一览\n序号 项目名称 建设单位 总投资(万元)\n"
            "1 年产5000台智能机器人项目 某机器人有限公司 85000\n2 精密轴承项目 某轴承有限公司 12000\n"
            "据了解，上述项目全部建成后年产值可达30亿元。")
    assert tables_as_sentences(text).splitlines() == [
        "集中开工部分项目一览",
        "年产5000台智能机器人项目,建设单位某机器人有限公司,总投资85000万元。",
        "精密轴承项目,建设单位某轴承有限公司,总投资12000万元。",
        "据了解，上述项目全部建成后年产值可达30亿元。",
    ]


def test_prose_headlines_and_tables_without_a_project_column_stay_as_they_are():
    text = ("某区10个重大项目集中开工 总投资102.6亿元\n| 指标 | 数值 |\n|---|---|\n| 产值 | 120 |\n"
            "| 序号 | 项目名称 | 总投资 |\n| 1 | 某某项目 | 45 |")
    # A money column without a unit gives no figure: the bare 45 could be 万元 as well as 亿元.
    assert tables_as_sentences(text).splitlines() == [
        "某区10个重大项目集中开工 总投资102.6亿元", "| 指标 | 数值 |", "|---|---|", "| 产值 | 120 |", "某某项目。"]
