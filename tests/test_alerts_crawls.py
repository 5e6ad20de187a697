"""Digests across crawls, as users run them: a reprint crawled later makes no new project, a new
story does; the scheduler sends digests on its own (`yrdwatch demo`'s sample digest: test_cli)."""
import dataclasses
from datetime import datetime


from yrdwatch.sample_sites.site import Story

from conftest import invoke, run_until_sigterm

NEW_STORY = Story(
    id="yrd-2024-0619-nanxun-signing", outlet="yrdnews", title="南浔经济开发区签约高性能复合材料生产基地项目",
    date=datetime(2024, 6, 19, 9, 0), source="长三角经济报", paragraphs=[
        "本报湖州讯 6月18日，湖州市南浔区人民政府与浙江澜湾新材料有限公司在南浔经济开发区签约高性能复合材料生产基地项目，"
        "项目总投资约15亿元，主要建设碳纤维复合材料生产线。",
        "该项目计划于今年四季度开工，达产后预计年产值超20亿元。南浔区相关负责人表示，将全力做好项目服务保障工作。",
        "近年来，南浔区聚焦新材料、智能装备等重点产业，一批优质项目相继落地。"])


def files_config(tmp_path, folder):
    config = tmp_path / "yrdwatch.toml"
    config.write_text(f'[[subscriptions]]\nname = "everything"\nchannels = ["file://{folder}"]\n', encoding="utf-8")
    return config


def test_a_reprint_crawled_later_is_no_new_project_and_a_new_story_is(sample_server, sample_seeds, db_path, tmp_path):
    folder = tmp_path / "digests"
    config = files_config(tmp_path, folder)
    base = ("--db", db_path, "--config", config)
    crawl = ("crawl", "--seeds", sample_seeds, "--source")  # only the outlets each step needs: quicker
    assert invoke(*base, *crawl, "sample-yrdnews", "--source", "sample-suzhou").exit_code == 0
    first = invoke(*base, "digest")
    assert first.exit_code == 0 and "digest #1" in first.output and ": sent" in first.output, first.output

    site = sample_server.site
    original = next(s for s in site.stories if s.id == "yrd-2024-0307-jiashan-signing")
    site.publish(dataclasses.replace(original, id="sz-2024-0308-jiashan-reprint", outlet="suzhou",
                                     title="嘉善集中签约8个产业项目", date=datetime(2024, 3, 8, 10, 0), path=""))
    second_crawl = invoke(*base, *crawl, "sample-suzhou", "--json")
    assert '"duplicates": 1' in second_crawl.output and '"new_articles": 1' in second_crawl.output
    second = invoke(*base, "digest")
    assert second.exit_code == 0 and "no new projects" in second.output and "digest #2" not in second.output
    assert len(list(folder.glob("*.html"))) == 1

    site.publish(NEW_STORY)
    assert invoke(*base, *crawl, "sample-yrdnews").exit_code == 0
    third = invoke(*base, "digest")
    assert "digest #2: 1 new project," in third.output, third.output
    markdown = next(folder.glob("*-2.md")).read_text(encoding="utf-8")
    assert "高性能复合材料生产基地项目" in markdown and "约15亿元" in markdown and "湖州市" in markdown


def test_the_scheduler_sends_digests_on_its_own(sample_server, sample_seeds, db_path, tmp_path):
    folder = tmp_path / "digests"
    config = files_config(tmp_path, folder)
    _, _, err = run_until_sigterm(
        ["--db", db_path, "--config", config, "schedule", "--seeds", sample_seeds, "--source", "sample-suzhou",
         "--every", "2", "--log", tmp_path / "s.log"], done=lambda err: list(folder.glob("*.html")), timeout=90)
    assert "digest everything: every 2 s" in err
    digests = list(folder.glob("everything-*.html"))
    assert digests and (folder / "everything.atom").exists(), err[-2000:]
    assert "苏州市" in digests[0].read_text(encoding="utf-8")
