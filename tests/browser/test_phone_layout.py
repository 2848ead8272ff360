"""Organisers' and administrators' pages on a phone (390×844): nothing wider than the screen,
and every main action on the page reachable by scrolling down, or behind the menu."""

import pytest

from tests.browser.portal_pages import build_portal, sign_in

pytestmark = pytest.mark.browser

TABS = ["概况", "基本信息", "日程安排", "名额分配", "报名", "统计", "考勤", "结业证书"]

# Page name (as in portal_pages) → its main actions: buttons or links, by their visible names.
ORGANISER_PAGES = {
    "organiser dashboard": ["新建培训班", "全国技工院校教学管理培训班", "全国高技能人才政策培训班"],
    "course editor": [*TABS, "取消培训班", "复制为新一期", "查看公开页面"],
    "course details": [*TABS, "保存"],
    "timetable editor": [*TABS, "编辑", "删除", "保存日程"],
    "registration list": ["筛选", "通过所选", "所选审核不通过", "群发通知", "移入候补"],
    "statistics": ["报名", "代为报名", "推荐单位"],
    "course exports": ["签到名单", "二维码", "考勤表", "报名名单"],
    "organiser exports": [],
}
ADMINISTRATOR_PAGES = {
    "administrator exports": ["生成电子表格"],
    "cross-course attendance": ["生成电子表格"],
}


def _phone(chromium):
    context = chromium.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15000)
    return context


def _unreachable(page, names: list[str]) -> list[str]:
    """The names whose first button or link is not fully on the screen's width as the page
    opens: reaching it must take no sideways swipe, of the page or of a part of it."""
    width = page.viewport_size["width"]
    missing = []
    for name in names:
        main = page.locator("main")
        action = main.get_by_role("button", name=name, exact=True).or_(
            main.get_by_role("link", name=name, exact=True)
        )
        if action.count() == 0:
            missing.append(f"{name} (not on the page)")
            continue
        action = action.first
        box = action.bounding_box()
        if (
            not action.is_visible()
            or box is None
            or box["x"] < 0
            or box["x"] + box["width"] > width
        ):
            missing.append(f"{name} (off screen: {box})")
    return missing


def _check_pages(page, live_server, pages: dict[str, str], actions: dict[str, list[str]]):
    problems = []
    for name, names in actions.items():
        page.goto(live_server.url + pages[name])
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            problems.append(f"{name}: {wide}px wider than the screen")
        problems += [f"{name}: {missing}" for missing in _unreachable(page, names)]
    return problems


def _menu_offers(page, name: str, *, submenu: str | None = None) -> bool:
    # The menus open by Bootstrap's script: a click before it has loaded does nothing.
    page.wait_for_load_state("load")
    page.get_by_role("button", name="切换导航").click()
    menu = page.get_by_role("navigation", name="主导航")
    if submenu:
        menu.get_by_role("button", name=submenu).click()
    link = menu.get_by_role("link", name=name, exact=True)
    link.wait_for()
    return link.is_visible()


def test_organiser_and_administrator_pages_fit_a_phone(chromium, live_server):
    portal = build_portal()
    pages = {name: path for name, (_, path) in portal.pages().items()}
    pages["course details"] = f"/courses/manage/{portal.open_course.pk}/edit/"
    pages["course exports"] = f"/attendance/course/{portal.running_course.pk}/"
    problems = []
    for user, actions, menu, submenu in [
        (portal.organiser, ORGANISER_PAGES, "培训班管理", None),
        (portal.administrator, ADMINISTRATOR_PAGES, "我的导出", "管理员甲"),
    ]:
        context = _phone(chromium)
        try:
            page = context.new_page()
            sign_in(page, live_server, user)
            if not _menu_offers(page, menu, submenu=submenu):
                problems.append(f"the menu has no {menu}")
            problems += _check_pages(page, live_server, pages, actions)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
