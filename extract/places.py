"""Where a project is: province / city / county from jionlp's admin-division dictionary, and parks.

The division names come from ``jionlp.china_location_loader()`` (bundled with the package, read
once). Mentions are weighted by what the words around them say — "位于X" and "落户X" name the
project's site, "在X举行/签约" only the ceremony's, "X集团" an investor's home — and the province,
city and county are then chosen top-down so that they are always consistent with each other.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import jieba

from yrdwatch.extract.jio import jionlp


@dataclass(frozen=True)
class Division:
    province: str
    city: str | None
    county: str | None
    zone: bool = False  # a development zone listed among counties ("苏州工业园区", "合肥高新区")
    town: bool = False  # the county of a town named like a county elsewhere (长兴镇 of 崇明区)


@dataclass
class Mention:
    start: int
    end: int
    name: str
    divisions: tuple[Division, ...]
    weight: float
    bare_county: bool = False  # a county's short name alone ("青浦"), which can be part of a word


# The region yrdwatch watches (its seeds are this region's outlets; every labelled project lies in
# it). A name shared with a division elsewhere means the one here ("西湖区": 杭州, not 南昌), and a
# division only elsewhere ("朝阳" in 朝阳产业, an investor's home 广州) weighs as little as a place
# named as somewhere else: it can still win a page that names nothing here.
HOME_PROVINCES = frozenset({"上海市", "江苏省", "浙江省", "安徽省"})
_AWAY = 0.3

# Aliases such as 新区 / 高新区 / 城区 are generic words, not names.
_GENERIC_NAME = re.compile(r"^(?:新区|城区|郊区|矿区|高新区|经开区|产业园|示范区|管理区|.*直辖.*)$")
_ZONE_NAME = re.compile(r"开发区|高新区|园区|产业园|示范区|管理区|实验区|保税区|新城$|聚集区|食品区|风景名胜区")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[Division, ...]], set[str], dict[str, tuple[int, ...]]]:
    """name → divisions it may denote; the set of bare county aliases; the first two characters
    of every name → the lengths of the names that start with them, longest first."""
    names: dict[str, set[Division]] = defaultdict(set)
    county_aliases: set[str] = set()
    for province, pinfo in jionlp.china_location_loader().items():
        for name in (province, pinfo["_alias"]):
            names[name].add(Division(province, None, None))
        for city, cinfo in pinfo.items():
            if city.startswith("_") or "直辖" in city:
                continue
            city_div = Division(province, city, None)
            for name in (city, *cinfo["_alias"]):
                names[name].add(city_div)
            for county, info in cinfo.items():
                if county.startswith("_") or "直辖" in county:
                    continue
                # National statistical codes 70–79 under a city are development zones.
                zone = 70 <= int(info["_admin_code"][-2:]) <= 79 or bool(_ZONE_NAME.search(county))
                div = Division(province, city, county, zone)
                names[county].add(div)
                if zone:  # news writes a zone's alias after its city's name: "合肥高新区", "芜湖经开区"
                    for short in (city, *cinfo["_alias"]):
                        names[_zone_short_name(short, info["_alias"])].add(div)
                elif info["_alias"] != county:
                    names[info["_alias"]].add(div)
                    county_aliases.add(info["_alias"])
    _add_towns_named_like_counties(names, county_aliases)
    # Shanghai, Beijing, Tianjin, Chongqing: the province and its only city are one place.
    for divs in names.values():
        for municipality in [d.province for d in divs if d.city == d.province]:
            divs.discard(Division(municipality, None, None))
    for alias in _common_words(county_aliases):
        names[alias] = {d for d in names[alias] if d.county is None or d.county == alias}
    for name, divs in names.items():
        home = {d for d in divs if d.province in HOME_PROVINCES}
        if home and home != divs:
            names[name] = home
    index = {n: tuple(sorted(d, key=lambda x: (x.province, x.city or "", x.county or "")))
             for n, d in names.items() if d and len(n) >= 2 and not _GENERIC_NAME.match(n)}
    # A text is scanned by looking up only the lengths a name could have at each position (every
    # name has two characters at least), not every length up to the longest name.
    lengths: dict[str, set[int]] = defaultdict(set)
    for name in index:
        lengths[name[:2]].add(len(name))
    return index, county_aliases - {n for n, d in index.items() if any(x.county is None for x in d)}, \
        {prefix: tuple(sorted(ls, reverse=True)) for prefix, ls in lengths.items()}


_TOWN_SUFFIX = re.compile(r"(?:镇|乡|街道)$")


def _add_towns_named_like_counties(names: dict[str, set[Division]], county_aliases: set[str]) -> None:
    """A town of the home region named like a county elsewhere ("长兴": 长兴县 of 湖州, and 长兴镇 of
    崇明区; "金乡": 山东金乡县, and 金乡镇 of 苍南县) makes the county's short name ambiguous: it then
    votes only for a place the page supports otherwise (jionlp's town list, read once)."""
    for province, pinfo in jionlp.china_location_loader(detail=True).items():
        if province not in HOME_PROVINCES:
            continue
        for city, cinfo in pinfo.items():
            if city.startswith("_") or "直辖" in city:
                continue
            for county, towns in cinfo.items():
                if county.startswith("_") or Division(province, city, county) not in names.get(county, ()):
                    continue  # a zone's towns are its district's
                div = Division(province, city, county, town=True)
                for town in towns:
                    short = _TOWN_SUFFIX.sub("", town)
                    if short != town and short in county_aliases \
                            and not any(d.county == county for d in names[short]):
                        names[short].add(div)


def _zone_short_name(city: str, alias: str) -> str:
    """'合肥' + '高新区' → '合肥高新区'; an alias that already names its city stays ('苏州工业园'). Alone,
    the others are generic words or everyday ones ('滨湖', '九华'), so the city always comes first."""
    return alias if alias.startswith(city) else city + alias


def _common_words(aliases: set[str]) -> set[str]:
    """County short names that are everyday words (合作, 南部, 通道, 城中): frequent in jieba's
    general dictionary. Written out with its suffix (合作市, 南部县) such a county still matches."""
    return aliases & _frequent_words()


@lru_cache(maxsize=1)
def _frequent_words() -> frozenset[str]:
    """Words of two or three characters that jieba's general dictionary counts at least 500 times."""
    words = set()
    with jieba.get_dict_file() as f:
        for line in f:
            word, freq, *_ = line.decode("utf-8").split()
            if len(word) <= 3 and int(freq) >= 500:
                words.add(word)
    return frozenset(words)


def _inside_words(text: str, start: int, end: int) -> bool:
    """Whether a county's short name straddles two everyday words: "新平" in "创新平台" ends 创新
    and starts 平台. A real mention ("落户昆山花桥") has no word across its first edge."""
    words = _frequent_words()
    return start > 0 and text[start - 1:start + 1] in words and text[end - 1:end + 1] in words


# Context decides how much a mention says about the project's site (hand-written: these are the
# few ways Chinese news introduces a location; no library classifies them).
_SITE_BEFORE = re.compile(r"(?:位于|落户|落地|落子|坐落于|坐落在|地处|选址|布局在|扎根|建在|来到)$")
# "在溧阳投资建设": the place where money is spent is the site as well.
_SITE_AFTER = re.compile(r"^[^,。;]{0,4}?(?:投资|建设|新建|兴建|打造|布局|设立|开工|投产|竣工|落户|落地)")
_CEREMONY_AFTER = re.compile(r"^[^,。;]{0,6}?(?:举行|举办|召开|签约|签署|签订|开幕|发布|会见|考察|调研)")
_ORG_AFTER = re.compile(r"^[\w()]{0,8}?(?:集团|公司|控股|银行|大学|学院|电信|移动|联通|广电|日报|电视台|"
                        r"报社|中心站|医院|证券|股份|研究所|企业|高校)")
# "来自上海的项目", "毗邻上海", "对接上海": where partners, capital or customers come from.
# "高邮赴昆山举办推介会": where a place's delegation goes is the venue of its event, not the site.
_ELSEWHERE_BEFORE = re.compile(r"(?:来自|毗邻|紧邻|邻近|对接|承接|辐射|从|赴)$")
_GOV_AFTER = re.compile(r"^(?:市|区|县|省)?(?:人民政府|政府|管委会|区委|市委|县委|执委会)")
_FEATURE = frozenset("湾湖岛港路街")
# "政法委书记徐闻仲": after an official's title comes a person's name, whatever place it spells.
_PERSON_TITLE = re.compile(r"(?:书记|市长|县长|区长|镇长|省长|主任|局长|部长|厅长|主席|董事长|总经理|总裁|处长|记者|通讯员)$")


def find_mentions(text: str) -> list[Mention]:
    """Admin-division names in ``text`` (longest match), each weighted by its context."""
    index, county_aliases, lengths_by_prefix = _index()
    mentions, i, n = [], 0, len(text)
    while i < n - 1:
        for length in lengths_by_prefix.get(text[i:i + 2], ()):
            end = i + length
            if end > n:
                continue
            name = text[i:end]
            divs = index.get(name)
            # "通州湾", "金山湖": a short county name glued to a water or street word names that
            # feature, not the county.
            bare = name in county_aliases
            if divs and not (bare and (text[end:end + 1] in _FEATURE or _inside_words(text, i, end))) \
                    and not _PERSON_TITLE.search(text, max(0, i - 4), i):
                weight = _weight(text, i, end, bare, divs)
                # "宜兴(上海)经贸合作洽谈会": a place in brackets after another is where the first
                # one's event is held.
                if mentions and mentions[-1].end == i - 1 and text[i - 1] == "(" and text[end:end + 1] == ")":
                    weight *= 0.3
                mentions.append(Mention(i, end, name, divs, weight, bare))
                i = end
                break
        else:
            i += 1
    # A short name the page also writes in full ("宜兴" beside "宜兴市") is that county, not part of
    # another word: it weighs as much as the full name.
    written_in_full = {d.county for m in mentions if not m.bare_county for d in m.divisions if d.county}
    for m in mentions:
        full = tuple(d for d in m.divisions if d.county in written_in_full) if m.bare_county else ()
        if full:
            m.divisions, m.weight, m.bare_county = full, m.weight * 2, False
    return mentions


def _weight(text: str, start: int, end: int, bare_county: bool, divisions: tuple[Division, ...]) -> float:
    before, after = text[max(0, start - 5):start], text[end:end + 12]
    weight = 0.5 if bare_county else 1.0  # a bare "青浦" is often part of another name
    if all(d.province not in HOME_PROVINCES or d.town for d in divisions):  # 惠民 of 惠民政策: a town at most
        weight *= _AWAY
    if _SITE_BEFORE.search(before):
        return weight * 3
    if before.endswith(("在", "于")) and _CEREMONY_AFTER.match(after):
        return weight * 0.3
    if before.endswith(("在", "于")) and _SITE_AFTER.match(after):
        return weight * 3
    if _ELSEWHERE_BEFORE.search(before) or (_ORG_AFTER.match(after) and not _GOV_AFTER.match(after)):
        return weight * 0.3
    return weight


def resolve_place(mentions: list[Mention]) -> tuple[str | None, str | None, str | None]:
    """(province, city, county-level district) best supported by the mentions, top-down. A
    development zone that jionlp lists among a city's counties (合肥高新区, 苏州工业园区) is no
    district: the contract puts zones in ``park`` and leaves ``district`` to 区, 县 and county-level
    cities, so a zone neither wins the district nor takes its votes from one."""
    # A bare short name ("民和" in "居民和企业", however often) only supports a province that the
    # page names as a place: in full, or short in a site's context ("落户昆山"), but not as an
    # investor's home ("台湾X股份有限公司") or a venue.
    # (A bare name's plain weight, doubled inside the headline event, is 1: not yet a site.)
    named = {d.province for m in mentions if m.weight >= 1 and (m.weight > 1 or not m.bare_county)
             for d in m.divisions}
    mentions = [m for m in mentions if not m.bare_county or not named
                or any(d.province in named for d in m.divisions)]
    # A province that only a short name or a place elsewhere supports (卫东: 河南 平顶山) is no answer.
    province = _winner(mentions, lambda d: d.province, dominant=True, floor=0.5)
    if province is None:
        return None, None, None
    inside = [m for m in mentions if any(d.province == province for d in m.divisions)]
    city = _winner(inside, lambda d: d.city if d.province == province else None, dominant=True)
    if city is None:
        return province, None, None
    district = _winner(inside, lambda d: d.county if d.city == city and not d.zone else None,
                       dominant=True, floor=1.0)
    return province, city, district


def _winner(mentions: list[Mention], key, dominant: bool = False, floor: float = 0.0) -> str | None:
    """The key with the most weight (at least ``floor``: a district named only as the ceremony's
    venue is not the project's); an ambiguous name votes only for the keys others support, or, where
    others support none, for its county rather than a town named like it."""
    clear: dict[str, float] = defaultdict(float)
    for m in mentions:
        keys = {key(d) for d in m.divisions} - {None}
        if len(keys) == 1:
            clear[keys.pop()] += m.weight
    scores = dict(clear)
    for m in mentions:
        keys = {key(d) for d in m.divisions} - {None}
        supported = [k for k in keys if clear.get(k)]
        own = {key(d) for d in m.divisions if not d.town} - {None}
        if len(keys) > 1 and len(supported) == 1:
            scores[supported[0]] += m.weight
        elif len(keys) > 1 and not supported and len(own) == 1:
            k = own.pop()
            scores[k] = scores.get(k, 0.0) + m.weight
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    # A page about a cross-border zone (青浦 + 吴江 + 嘉善) has no single province.
    if dominant and len(ranked) > 1 and ranked[0][1] < 1.5 * ranked[1][1]:
        return None
    return ranked[0][0] if ranked[0][1] >= floor else None


# Park and zone names end in one of these (longest first so that 经济技术开发区 beats 开发区).
# Hand-written: jionlp lists only the zones that have an admin code, not the parks news names.
PARK_SUFFIXES = ("高新技术产业开发区", "经济技术开发区", "自由贸易试验区", "综合保税区", "经济开发区",
                  "工业园区", "产业园区", "高新区", "经开区", "开发区", "保税区", "自贸区", "新片区",
                  "科技城", "科学城", "产业园", "科技园", "科创园", "软件园", "创新园", "工业园",
                  "物流园", "示范区", "示范园", "集中区", "港区", "新城", "工业区",
                  # zones a province or the state sets up under names of their own: 瓯江口产业集聚区,
                  # 乌镇互联网创新发展综合试验区, 宁马新型功能区, 虹桥商务区, 平天湖风景区, 台湾农民创业园
                  "集聚区", "试验区", "功能区", "商务区", "度假区", "风景区", "创业园",
                  # "X谷" parks take a one-character theme: 中国声谷, 张江药谷, 科创绿谷.
                  "绿谷", "智谷", "光谷", "药谷", "声谷", "视谷", "美谷", "芯谷", "云谷",
                  # after the longer ones they end (工业园区, 高新区): 中新昆承湖园区, 转塘科技园区, 金义新区,
                  # 江北新区 (a 新区 that is a district, 浦东新区, is no park), 灌云县临港产业区,
                  # 姑苏区北部经济区, 苏相合作区, 杭州高新区(滨江)萧山特别合作园, 松江出口加工区
                  "园区", "新区", "产业区", "经济区", "合作区", "合作园", "加工区")
# The suffixes of zones a government sets up (as opposed to an estate a developer names 产业园).
_ZONE_SUFFIXES = ("高新技术产业开发区", "经济技术开发区", "自由贸易试验区", "综合保税区", "经济开发区", "工业园区",
                  "产业园区", "高新区", "经开区", "开发区", "保税区", "自贸区", "新片区", "示范区", "集中区", "港区",
                  "工业区", "新城", "集聚区", "试验区", "功能区", "商务区", "度假区", "风景区", "新区", "产业区",
                  "经济区", "合作区", "加工区")


def is_zone(park: str) -> bool:
    return park.endswith(_ZONE_SUFFIXES)


PARK = re.compile(r"[\u4e00-\u9fff·()]{1,18}?(?:" + "|".join(PARK_SUFFIXES) + ")")
PARK_SUFFIX = re.compile("|".join(PARK_SUFFIXES))
# Where a park name starts: after a verb or preposition that introduces it.
_PARK_LEFT_EDGE = re.compile(
    r".*(?:位于|落户|落地|入驻|进驻|地处|坐落|签约|举行|依托|推动|建设|修建|兴建|新建|打造|引导|联合|加快|支持|以及|"
    r"还有|包括|成为|围绕|聚焦|可达|近期|日前|近日|目前|今年|去年|实现|形成|作为|通过|进入|其中|银行|共建|"
    r"[在于与和及暨、的是为将了对把等到至向从由以让年])")
# A number's unit is no start of a name: "15个虹桥商务区", "8日金义综合保税区".
_UNIT_AFTER_NUMBER = re.compile(r"[个日号月年项家批座]")
_GENERIC_PARK_START = re.compile(r"^(?:各类|各|该|此|这|一|多|首|本|全|周边|相关|重点|特色|标杆|其他|产业|"
                                 r"园区|合作|先行|新|[两三四五六七八九十几数]+个)")


def strip_address(name: str) -> str:
    """'江苏苏州工业园区' → '苏州工业园区', '浦东新区张江科学城' → '张江科学城', '南京江宁经济技术开发区'
    → '江宁经济技术开发区': a province, a city or district written out in full, or a city before one
    of its own counties, in front of a park is its address, not part of its name."""
    index = _index()[0]
    stripped = True
    while stripped:
        stripped = False
        for length in range(min(8, len(name) - 4), 1, -1):
            divs = index.get(name[:length], ())
            province_only = all(d.county is None and d.city in (None, d.province) for d in divs)
            full_name = name[length - 1] in "省市区县" and not any(d.zone for d in divs)
            if divs and (province_only or full_name or _county_follows(name[length:], divs)) \
                    and _park_name_left(name[length:]):
                name, stripped = name[length:], True
                break
    return name


def is_address(text: str) -> bool:
    """Whether ``text`` is only division names: "浙江杭州" is, "中国(上海)自由贸易试验区" is not."""
    index, _, lengths_by_prefix = _index()
    i = 0
    while i < len(text):
        i += next((n for n in lengths_by_prefix.get(text[i:i + 2], ())
                   if i + n <= len(text) and text[i:i + n] in index), 0) or len(text) + 1
    return i == len(text) > 0


def _county_follows(rest: str, cities: tuple[Division, ...]) -> bool:
    """Whether ``rest`` starts with a county of one of the ``cities``: "江宁…" after "南京"."""
    index = _index()[0]
    inside = {d.city for d in cities if d.city and d.county is None}
    return any(d.county and d.city in inside
               for length in range(min(8, len(rest)), 1, -1) for d in index.get(rest[:length], ()))


def is_abbreviation(short: str, long: str) -> bool:
    """Whether ``short`` is a shortening of the park name ``long`` as Chinese abbreviates: same
    start and end, the other characters kept in order ("江宁开发区" of "江宁经济技术开发区",
    "合肥高新区" of "合肥高新技术产业开发区")."""
    if len(short) >= len(long) or short[:2] != long[:2] or short[-1] != long[-1]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def _park_name_left(rest: str) -> bool:
    """Whether ``rest`` still has a name of its own in front of its park suffix: "张江科学城" does,
    "高新技术产业园区" is only a kind of park."""
    suffix = next((s for s in PARK_SUFFIXES if rest.endswith(s)), "")
    own = re.sub(r"高新技术|经济技术|高新|经济|技术|产业|工业|科技|现代|综合|国家级|省级", "", rest[:len(rest) - len(suffix)])
    return len(own) >= 2


def find_parks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of development zones, parks and 科技城 named in ``text``."""
    parks = []
    for start, end in _park_matches(text):
        raw = text[start:end]
        if start > 0 and text[start - 1].isdigit() and _UNIT_AFTER_NUMBER.match(raw):
            raw = raw[1:]
        suffix = next(s for s in PARK_SUFFIXES if raw.endswith(s))
        edge = _PARK_LEFT_EDGE.match(raw[:-len(suffix)])
        name = re.sub(r"^(?:国家级|省级|市级)", "", (raw[edge.end():] if edge else raw).lstrip("()·"))
        if name.count(")") > name.count("("):  # "杭州高新区(滨江)萧山特别合作园": what follows the bracket
            name = name[name.rindex(")") + 1:]
        name = strip_address(name)
        # "全市…园区", "新建产业园" are kinds of parks; "全椒经济开发区", "新沂…" start with a place.
        if len(name) - len(suffix) < 2 or (_GENERIC_PARK_START.match(name) and not _starts_with_place(name)) \
                or _is_district(name):
            continue
        parks.append((end - len(name), end, name))
    return parks


def _is_district(name: str) -> bool:
    """Whether ``name`` is a county-level district ("浦东新区"), not a zone ("苏州工业园区")."""
    divisions = _index()[0].get(name, ())
    return bool(divisions) and not any(d.zone for d in divisions)


def _starts_with_place(name: str) -> bool:
    index = _index()[0]
    return any(name[:n] in index for n in (2, 3, 4))


def _park_matches(text: str):
    """(start, end) of ``PARK.finditer(text)``, faster: a match starts at most 18 characters before
    its suffix, so each search starts that far before the next suffix instead of trying every position."""
    pos = 0
    while suffix := PARK_SUFFIX.search(text, pos):
        m = PARK.search(text, max(pos, suffix.start() - 18))
        if m is None:
            return
        # "转塘科技园区": the shortest match ends at 科技园, the name one character later
        end = m.end() + 1 if text[m.end() - 1:m.end() + 1] == "园区" else m.end()
        yield m.start(), end
        pos = end
