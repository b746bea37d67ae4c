"""Issue 16: word-aware conversion, the reviewed Taiwan lexicon, and what conversion must and must not touch."""

import pytest

from articles import services
from articles.models import GlossaryTerm
from articles.text import chinese

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        # segmentation breaks of longest-match
        ("他在后面包括了所有人", "他在後面包括了所有人"),
        ("球员们一起干杯庆祝", "球員們一起乾杯慶祝"),
        ("球迷在球场外面包围了球队大巴", "球迷在球場外面包圍了球隊巴士"),
        # wrong sense from OpenCC's Taiwan table
        ("她刷新纪录夺冠", "她刷新紀錄奪冠"),
        ("管理员可以修改用户权限", "管理員可以修改使用者權限"),
        ("版权声明：本文版权归作者所有", "版權聲明：本文版權歸作者所有"),
        ("公司发表声明否认传闻", "公司發表聲明否認傳聞"),
        ("设备折旧计入成本", "設備折舊計入成本"),
        # missing Taiwan vocabulary
        ("运维团队迁移到公有云", "維運團隊遷移到公有雲"),
        ("双方签订了三年合同", "雙方簽訂了三年合約"),
        ("这家创业公司获得融资", "這家新創公司獲得融資"),
    ],
)
def test_issue_examples_to_taiwan(simplified, traditional):
    assert chinese.to_hant(simplified) == traditional


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("他在後面包括了所有人", "他在后面包括了所有人"),
        ("球員們一起乾杯慶祝", "球员们一起干杯庆祝"),
        ("她刷新紀錄奪冠", "她刷新纪录夺冠"),
        ("管理員可以修改權限", "管理员可以修改权限"),
        ("版權聲明", "版权声明"),
        ("設備折舊計入成本", "设备折旧计入成本"),
        ("維運團隊遷移到公有雲", "运维团队迁移到公有云"),
        ("這家新創公司獲得融資", "这家创业公司获得融资"),
    ],
)
def test_issue_examples_back_to_simplified(traditional, simplified):
    assert chinese.to_hans(traditional) == simplified


def test_no_simplified_cloud_survives():
    assert "云" not in chinese.to_hant("公有云、私有云和混合云")


def test_a_house_word_is_not_eaten_by_a_longer_opencc_phrase():
    assert chinese.to_hant("用户可以向粉丝发布新动态") == "使用者可以向粉絲發布新動態"  # not 絲髮


def test_a_sense_dependent_word_alone_is_left_to_editors_but_its_phrases_are_fixed():
    assert chinese.to_hant("这家面包店的菠萝包") == "這家麵包店的菠蘿麵包"  # not 鳳梨包
    assert chinese.to_hant("台湾的菠萝出口到日本") in {"台灣的鳳梨出口到日本", "臺灣的鳳梨出口到日本"}
    assert chinese.to_hant("法案获得通过") == "法案獲得通過"  # 通过 alone stays 通過
    assert chinese.to_hant("病毒通过飞沫传播") == "病毒透過飛沫傳播"


def test_surnames_with_a_title_stay_names():
    assert chinese.to_hant("范先生在一家模范企业工作") == "范先生在一家模範企業工作"
    assert chinese.to_hant("姜先生买了一块姜") == "姜先生買了一塊薑"


def test_a_name_with_an_interpunct_is_one_word():
    assert chinese.to_hant("泰勒·斯威夫特的演唱会") == "泰勒絲的演唱會"


def test_a_glossary_term_applies_only_where_it_is_a_word(db):
    services.glossary_term_save(term=GlossaryTerm(simplified="大模型", traditional="大型模型"))
    assert chinese.to_hant("训练大模型") == "訓練大型模型"
    assert chinese.to_hant("放大模型的输出") == "放大模型的輸出"


@pytest.mark.parametrize(
    "text",
    [
        "详见 https://example.com/视频/信息 。",
        "详见https://example.com/视频/信息，谢谢",
        "访问 www.example.cn/软件/下载 获取信息",
        "请发邮件到 xinxi.ruanjian@example.com 获取信息",
    ],
)
def test_urls_and_email_addresses_are_never_converted(text):
    for convert in (chinese.to_hant, chinese.to_hans):
        out = convert(text)
        for protected in ("https://example.com/视频/信息", "www.example.cn/软件/下载", "xinxi.ruanjian@example.com"):
            if protected in text:
                assert protected in out
    assert chinese.to_hant(text) != text  # the prose around them is converted


def test_a_url_in_traditional_text_stays_traditional_in_simplified_output():
    assert chinese.to_hans("詳見 https://example.tw/影片/資訊 。") == "详见 https://example.tw/影片/資訊 。"


def test_html_readable_attributes_are_converted_in_both_directions():
    simplified = ('<p><img src="/media/信息.jpg" alt="软件信息" title=\'网络视频\'>'
                  '<a href="https://example.com/视频" aria-label="观看视频" data-x="信息">视频</a></p>')
    traditional = chinese.convert_html(simplified, chinese.to_hant)
    assert traditional == ('<p><img src="/media/信息.jpg" alt="軟體資訊" title=\'網路影片\'>'
                           '<a href="https://example.com/视频" aria-label="觀看影片" data-x="信息">影片</a></p>')
    assert chinese.convert_html(traditional, chinese.to_hans) == (
        '<p><img src="/media/信息.jpg" alt="软件信息" title=\'网络视频\'>'
        '<a href="https://example.com/视频" aria-label="观看视频" data-x="信息">视频</a></p>')


def test_html_code_urls_and_addresses_in_text_nodes_stay_as_written():
    html = ('<p>信息见 https://example.com/视频/信息 或写信到 a.b@example.com</p>'
            '<pre title="代码">信息 = 软件()</pre><p><code>服务器</code>服务器</p>')
    assert chinese.convert_html(html, chinese.to_hant) == (
        '<p>資訊見 https://example.com/视频/信息 或寫信到 a.b@example.com</p>'
        '<pre title="程式碼">信息 = 软件()</pre><p><code>服务器</code>伺服器</p>')


def test_html_entities_and_quotes_in_attributes_survive():
    html = '<img alt="信息 &amp; &quot;软件&quot;" title=视频>'
    assert chinese.convert_html(html, chinese.to_hant) == '<img alt="資訊 &amp; &quot;軟體&quot;" title=影片>'


def test_whitespace_and_our_separator_characters_in_the_input_come_out_unchanged():
    text = "信息\ue000软件\ue001网络  \r\n\t服务器"
    assert chinese.to_hant(text) == "資訊\ue000軟體\ue001網路  \r\n\t伺服器"
    body = "<p>信息\ue001</p><p>软件</p>"
    assert chinese.convert_html(body, chinese.to_hant) == "<p>資訊\ue001</p><p>軟體</p>"


def test_a_body_converts_the_same_in_one_batch_as_node_by_node():
    body = "".join(f"<p title='第{i}条信息'>他在后面包括了所有人，一起干杯。<b>运维</b>合同</p>" for i in range(50))
    assert chinese.convert_html(body, chinese.to_hant) == chinese.convert_html(body, lambda t: chinese.to_hant(t))


def test_house_lexicon_entries_carry_domain_and_reason():
    terms = chinese.house_terms()
    assert len(terms) >= 300
    assert all(term.note for term in terms)
    assert sum(bool(term.domain) for term in terms) == len(terms)
    simplified = [term.simplified for term in terms]
    assert len(simplified) == len(set(simplified)), "each simplified word once"


def test_the_old_four_column_lexicon_format_still_reads():
    term = chinese.parse_house_line("账户\t帳戶\ty\tTaiwan writes 帳")
    assert term == chinese.Term("账户", "帳戶", True, "Taiwan writes 帳", "")


@pytest.mark.parametrize(("hans", "hant"), [("启动司法程序", "啟動司法程序"), ("依照法律程序", "依照法律程序"),
                                            ("违反正当程序", "違反正當程序")])
def test_a_procedure_stays_a_procedure_both_ways(hans, hant):
    """Taiwan's 程序 is a procedure (its programs are 程式): never 程式 in Traditional, never 进程 in Simplified."""
    assert chinese.to_hant(hans) == hant
    assert chinese.to_hans(hant) == hans
