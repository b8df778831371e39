"""Articles per second per core through parse + extract, on real-size releases built here.

    .venv/bin/python bench/throughput.py [--articles N] [--rounds R] [--chars C]

Each article is an HTML page (TRS-style: meta tags, breadcrumbs, a ``TRS_Editor`` body, a sidebar)
wrapping 8-10k characters of release text composed from the sentence bank below with random
numbers, places and subjects, so that no two articles are alike. One process, one core: the
figure is ``crawler.article.parse_article`` + ``rules.extract.extract`` per second, median of
the rounds, with parse and extract CPU ms per article. The phrase caches (jieba's and the indicator
helpers') are emptied before every round; ``--cold`` empties them before every article (a lower bound).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.article import parse_article  # noqa: E402
from crawler.records import FetchedPage  # noqa: E402
from rules import compiled, indicator, segment  # noqa: E402
from rules.extract import extract, preload  # noqa: E402

PLACES = ["黄石市", "大冶市", "阳新县", "济南市", "历下区", "章丘区", "滨州市", "沾化区", "博兴县", "枣庄市", "峄城区",
          "薛城区", "台儿庄区", "山亭区", "滕州市"]
UNITS = ["市司法局", "市市场监管局", "市行政审批服务局", "区法院", "县人社局", "市生态环境局", "区城管执法局",
         "市税务局", "县公安局", "区应急管理局", "市自然资源局", "区卫生健康局"]
TOPICS = ["行政复议", "行政应诉", "法律援助", "人民调解", "公证", "普法宣传", "行政执法监督", "规范性文件审查",
          "重大行政决策", "营商环境", "政务公开", "涉企检查", "信访", "社区矫正", "安全生产执法"]
BRANDS = ["法润万家", "智慧法务", "法护营商", "阳光执法", "法治驿站", "诉源治理", "公证惠民", "法援直通",
          "调解到家", "法治体检", "普法云课堂", "企业法务管家"]

SENTENCES = [
    "{p}{t}工作扎实推进，全年共办理{t}案件{n}件，同比增长{f}%。",
    "{u}深入推进{t}规范化建设，{t}案件办结率达{r}%，群众满意率{r2}%。",
    "今年以来，{p}累计培训行政执法人员{n}余人次，执法证件持证率达{r}%。",
    "{p}新登记市场主体{w}万户，同比增长{f}%，市场主体总量达到{w2}万户。",
    "工程建设项目审批时限由法定的{d2}个工作日压缩至{d}个工作日，审批环节减少{n}个。",
    "{t}平均办理时间缩短至{d}天，各类证明事项减少{r}%以上。",
    "出台《{p}{t}工作办法》《{p}{t}规范化建设实施方案》，修订《{p}{t}管理规定》。",
    "打造“{b}”服务品牌，推行“{b2}”工作机制，累计服务企业{n}家，解决问题{n2}个。",
    "构建“1+{k}+N”{t}工作体系，建成{t}服务站{n}个，实现镇街全覆盖。",
    "全年开展{t}专题培训{k}期，举办普法讲座{n}余场次，发放宣传资料{w}万余份。",
    "{p}法治政府建设群众满意度得分{s}分，较上年提升{f}分，位列全省第{k}。",
    "{u}在全市{t}工作考核中位居第{k}位，{t}工作经验被省级媒体刊发推广。",
    "行政机关负责人出庭应诉率连续{k}年保持100%，行政诉讼败诉率同比下降{f}个百分点。",
    "{u}、{u2}分别受理{t}申请{n}件、{n2}件，办结率均为100%。",
    "为{n}家企业减免税费{y}亿元，兑现惠企资金{w}万余元，惠及群众{n2}余人。",
    "记者：请介绍一下{p}在{t}方面的做法。答：我们坚持问题导向，建立健全{t}工作制度，成效明显。",
    "一是强化组织领导，成立{t}工作领导小组。二是完善制度机制，编制{t}事项清单{n}项。",
    "全市{k}个县区、{n}个镇街全部建立法律顾问制度，法律顾问参与率100%。",
    "2023年1-{m}月，全市受理{t}案件{n}件，调解成功率{r}%。",
    "深入学习贯彻党的二十大精神，认真落实《法治政府建设实施纲要（2021-2025年）》，推进“放管服”改革。",
    "{p}被命名为“全省法治政府建设示范县”，{u}获评“全国{t}先进集体”。",
    "依托12345政务服务便民热线，全年受理群众诉求{w}万件，按时办结率{r}%。",
    "“以前办事要跑好几趟，现在一次就办好了。”前来办事的群众说。",
    "{u}坚持把{t}作为重要抓手，持续深化{t}改革，推动{t}工作提质增效，切实增强群众获得感。",
]

PROSE = [
    "{p}坚持以习近平法治思想为指导，全面贯彻落实党中央、国务院关于法治政府建设的决策部署，统筹推进{t}各项工作。",
    "{u}主要负责人切实履行推进法治建设第一责任人职责，对{t}重要工作亲自部署、重大问题亲自过问、重点环节亲自协调。",
    "严格落实重大行政决策程序规定，将公众参与、专家论证、风险评估、合法性审查、集体讨论决定作为法定程序。",
    "聚焦群众急难愁盼问题，持续优化{t}服务流程，推动服务事项就近办、网上办、掌上办，不断提升群众满意度。",
    "健全行政执法监督机制，全面推行行政执法公示、执法全过程记录、重大执法决定法制审核制度，规范执法行为。",
    "加强{t}队伍建设，定期组织业务培训和案卷评查，持续提升依法行政能力和水平，营造良好法治环境。",
    "下一步，{p}将继续深化{t}工作，补齐短板弱项，为经济社会高质量发展提供坚实法治保障。",
    "同时也要看到，{t}工作仍存在一些不足：基层执法力量相对薄弱，执法人员专业素质有待提升，制度落实还不够到位。",
]
PROSE_SHARE = 0.6
"""Share of sentences without numbers: real releases carry about one metric per 70-80 characters."""


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        p=rng.choice(PLACES), u=rng.choice(UNITS), u2=rng.choice(UNITS), t=rng.choice(TOPICS),
        b=rng.choice(BRANDS), b2=rng.choice(BRANDS), n=rng.randint(12, 9999), n2=rng.randint(3, 800),
        f=round(rng.uniform(0.5, 30), 1), r=round(rng.uniform(80, 100), 1), r2=round(rng.uniform(80, 100), 1),
        w=round(rng.uniform(1, 60), 2), w2=round(rng.uniform(60, 200), 2), d=rng.randint(1, 15),
        d2=rng.randint(16, 60), k=rng.randint(2, 9), s=round(rng.uniform(80, 99), 2), y=round(rng.uniform(1, 9), 2),
        m=rng.randint(2, 11),
    )


def release_text(rng: random.Random, low: int = 8000, high: int = 10000) -> str:
    target = rng.randint(low, high)
    paras, size = [], 0
    while size < target:
        para = "".join(_fill(rng, rng.choice(PROSE if rng.random() < PROSE_SHARE else SENTENCES))
                       for _ in range(rng.randint(3, 7)))
        paras.append(para)
        size += len(para)
    return "\n".join(paras)[:high]


def page(rng: random.Random, i: int) -> FetchedPage:
    place = rng.choice(PLACES)
    title = f"{place}2023年法治政府建设情况的报告（{i}）"
    body = "".join(f"<p>　　{p}</p>\n" for p in release_text(rng).split("\n"))
    html = (f"<html><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta name='ArticleTitle' content='{title}'><meta name='PubDate' content='2023-12-2{i % 10} 10:00:00'>"
            f"<meta name='ContentSource' content='{place}司法局'></head><body>"
            f"<div class='nav'>网站首页 > 法治政府 > 工作动态</div><h1>{title}</h1>"
            f"<div class='info'>发布时间：2023-12-2{i % 10} 来源：{place}司法局【字体：大 中 小】【打印】</div>"
            f"<div class='TRS_Editor'>{body}</div>"
            f"<div class='related'>相关阅读<ul><li>济南市召开营商环境大会</li></ul></div></body></html>")
    return FetchedPage(url=f"http://sfj.example.gov.cn/art/2023/12/{i}.html", status=200, content=html.encode(),
                       text=html, encoding="utf-8", content_type="text/html")


PHRASE_CACHES = ("clean", "strip_trail", "strip_lead", "_head", "_cut", "has_noun", "_bare", "_items")
"""indicator's caches keyed by phrase, emptied with the jieba cache (those a version has)."""


def clear_phrase_caches() -> None:
    segment.words.cache_clear()
    for name in PHRASE_CACHES:
        cached = getattr(indicator, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def one_round(pages: list[FetchedPage], cold: bool) -> tuple[float, float, float]:
    """(articles/s, parse ms per article, extract ms per article), in CPU time of this process: per
    core, whatever else the machine runs."""
    clock = time.process_time
    parse_s = extract_s = 0.0
    for p in pages:
        if cold:
            clear_phrase_caches()
        t0 = clock()
        article = parse_article(p)
        t1 = clock()
        extract(article.text, title=article.title, published=article.published, source=article.source or "")
        t2 = clock()
        parse_s, extract_s = parse_s + t1 - t0, extract_s + t2 - t1
    return len(pages) / (parse_s + extract_s), parse_s * 1000 / len(pages), extract_s * 1000 / len(pages)


def main(argv: list[str]) -> None:
    def opt(name: str, default: int) -> int:
        return int(argv[argv.index(name) + 1]) if name in argv else default

    n, rounds = opt("--articles", 200), opt("--rounds", 5)
    rng = random.Random(4)
    preload()
    pages = [page(rng, i) for i in range(n)]
    chars = statistics.median(len(parse_article(p).text) for p in pages[:20])
    for cold in (False, True) if "--cold" in argv else (False,):
        rates = []
        for r in range(rounds):
            clear_phrase_caches()
            # every round sees fresh articles: a phrase cache warmed by the same text would flatter the figure
            rates.append(one_round([page(rng, n * (r + 1) + i) for i in range(n)], cold))
        label = "cold phrase cache" if cold else "warm across articles"
        rate = statistics.median(r[0] for r in rates)
        parse_ms, extract_ms = statistics.median(r[1] for r in rates), statistics.median(r[2] for r in rates)
        print(f"{rate:.0f} articles/s per core ({label}; median of {rounds} rounds of {n}, "
              f"~{chars:.0f} characters each): parse {parse_ms:.2f} ms, extract {extract_ms:.2f} ms per article; "
              f"rules compiled: {', '.join(compiled()) or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
