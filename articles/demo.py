"""Demo content for a fresh Newsroom site: sources, drawn images and bilingual articles.

Everything here was written for this project. The articles are plausible but invented tech,
crypto and AI stories about invented companies and outlets; every homepage and original
URL uses the reserved ``.example`` domain. About half are written in Simplified Chinese and
half in Traditional Chinese (Taiwan vocabulary), so both directions of the script
conversion get exercised, including code blocks that must come out unchanged.

``load_demo()`` is idempotent: sources are matched by name, articles by (source, guid), and
images are drawn deterministically so ``services.image_create`` finds the identical file by
its content hash on a second run. Called by ``manage.py load_demo``.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw

from articles import services
from articles.models import Article, Image, Source

# --- Sources -----------------------------------------------------------------------------
# One of each reprint permission. "geek" is the upstream outlet some articles credit as
# original_source; "unlicensed" has no permission, so its articles can only be drafts.

SOURCES: list[dict] = [
    {
        "key": "newsroom", "name": "新聞室", "kind": Source.Kind.OWN, "permission": Source.Permission.OWN,
        "homepage": "https://newsroom.example",
        "copyright_notice": "版權歸新聞室所有，未經許可，不得轉載。",
    },
    {
        "key": "weekly", "name": "區塊觀察週報", "kind": Source.Kind.PUBLISHER,
        "permission": Source.Permission.GRANTED, "expires_in_days": 365,
        "homepage": "https://blockwatch-weekly.example",
        "copyright_notice": "版權歸作者所有，未經許可，不得轉載。",
        "permission_note": "轉載合約編號 BW-DEMO-017：限文字轉載，須標註原文連結。聯絡窗口：區塊觀察週報編輯部。",
    },
    {
        "key": "review", "name": "開放科技評論", "kind": Source.Kind.AGGREGATOR,
        "permission": Source.Permission.PUBLIC,
        "homepage": "https://open-tech-review.example",
        "copyright_notice": "本文採用 CC BY 4.0 授權，轉載請註明作者與出處。",
        "permission_note": "全站文章以 CC BY 4.0 公開授權，轉載須署名並附原文連結。",
    },
    {
        "key": "geek", "name": "极客前哨", "kind": Source.Kind.PUBLISHER, "permission": Source.Permission.PUBLIC,
        "homepage": "https://geekoutpost.example",
        "copyright_notice": "本文采用 CC BY 4.0 许可协议，转载请注明作者与出处。",
        "permission_note": "站方聲明全站文章以 CC BY 4.0 授權發布。",
    },
    {
        "key": "unlicensed", "name": "未授權日報", "kind": Source.Kind.PUBLISHER,
        "permission": Source.Permission.NONE,
        "homepage": "https://unlicensed-daily.example",
        "copyright_notice": "版權歸作者所有，未經許可，不得轉載。",
        "permission_note": "已去信洽詢轉載授權，對方尚未回覆；授權確認前不得發布。",
    },
]

# --- Images ------------------------------------------------------------------------------
# Abstract pictures drawn with Pillow (shapes only, no text). Same seed, same bytes.

AI_CREDIT = "由無界AI 生成"

IMAGES: list[dict] = [
    {
        "key": "network", "seed": 101, "pattern": "network",
        "colors": ("#0b1d3a", "#0f766e"), "accents": ("#5eead4", "#f0fdfa", "#38bdf8"),
        "alt_text": "深藍到青綠的漸層背景上，許多圓點以細線彼此相連，形成一張節點網路。",
        "caption": "示意圖：區塊鏈的節點網路。", "credit": AI_CREDIT, "ai_generated": True, "source": None,
    },
    {
        "key": "blocks", "seed": 202, "pattern": "blocks",
        "colors": ("#3b0764", "#ea580c"), "accents": ("#fde68a", "#fff7ed", "#f472b6"),
        "alt_text": "紫色到橘色的漸層上，一排圓角方塊以短線串連成鏈。",
        "caption": "示意圖：區塊串連成鏈。", "credit": "新聞室攝影", "ai_generated": False, "source": "newsroom",
    },
    {
        "key": "chart", "seed": 303, "pattern": "chart",
        "colors": ("#052e16", "#14532d"), "accents": ("#4ade80", "#facc15", "#dcfce7"),
        "alt_text": "墨綠色背景上由低到高排列的長條，以及一條向右上延伸的折線。",
        "caption": "示意圖：市場走勢。", "credit": "圖片來源：開放科技評論", "ai_generated": False,
        "source": "review",
    },
    {
        "key": "bubbles", "seed": 404, "pattern": "bubbles",
        "colors": ("#db2777", "#1d4ed8"), "accents": ("#fbcfe8", "#bfdbfe", "#fef08a"),
        "alt_text": "粉紅到藍色的漸層上，散布著大小不一的半透明圓形。",
        "caption": "示意圖：AI 工具百花齊放。", "credit": AI_CREDIT, "ai_generated": True, "source": None,
    },
    {
        "key": "waves", "seed": 505, "pattern": "waves",
        "colors": ("#0f172a", "#1e3a8a"), "accents": ("#22d3ee", "#a78bfa", "#f472b6"),
        "alt_text": "深藍背景上數條彼此交錯、上下起伏的彩色波浪線。",
        "caption": "示意圖：訊號與資料流。", "credit": "图片来源：极客前哨", "ai_generated": False,
        "source": "geek",
    },
    {
        "key": "grid", "seed": 606, "pattern": "grid",
        "colors": ("#111827", "#374151"), "accents": ("#60a5fa", "#34d399", "#e5e7eb"),
        "alt_text": "深灰背景上整齊排列的圓點矩陣，其中部分方格以藍綠色亮起。",
        "caption": "示意圖：資料中心的機櫃陣列。", "credit": "新聞室攝影", "ai_generated": False,
        "source": "newsroom",
    },
    {
        "key": "rings", "seed": 707, "pattern": "rings",
        "colors": ("#450a0a", "#581c87"), "accents": ("#fca5a5", "#e9d5ff", "#fbbf24"),
        "alt_text": "暗紅到紫色的漸層上，一組偏離中心的同心圓環向外擴散。",
        "caption": "示意圖：訊息向外擴散。", "credit": AI_CREDIT, "ai_generated": True, "source": None,
    },
    {
        "key": "shards", "seed": 808, "pattern": "shards",
        "colors": ("#1e293b", "#0e7490"), "accents": ("#67e8f9", "#0f172a", "#f8fafc"),
        "alt_text": "由許多深淺不一的藍色三角形拼成的低多邊形圖案。",
        "caption": "示意圖：資訊安全。", "credit": "新聞室攝影", "ai_generated": False, "source": "newsroom",
    },
    {
        "key": "chip", "seed": 909, "pattern": "chip",
        "colors": ("#020617", "#1e3a8a"), "accents": ("#fbbf24", "#93c5fd", "#1e293b"),
        "alt_text": "深藍背景中央有一塊方形晶片，四周延伸出多條金色電路走線。",
        "caption": "示意圖：AI 晶片。", "credit": AI_CREDIT, "ai_generated": True, "source": None,
    },
    {
        "key": "orbit", "seed": 1010, "pattern": "orbit",
        "colors": ("#000000", "#312e81"), "accents": ("#c4b5fd", "#f0abfc", "#ffffff"),
        "alt_text": "黑色到靛藍的漸層上，數個傾斜的橢圓軌道環繞著中央的光點。",
        "caption": "示意圖：語言模型。", "credit": AI_CREDIT, "ai_generated": True, "source": None,
    },
]

# --- Articles ----------------------------------------------------------------------------
# status: "published" (publish_at = now - days_ago), "scheduled" (now + days_ahead),
# "review" or "draft". Bodies are tuples of HTML blocks, joined with newlines on load.
# Tags are written in the article's script; Article.tags files 比特币 and 比特幣 under one tag.

ARTICLES: list[dict] = [
    {
        "guid": "demo-001", "source": "newsroom", "language": "zh-hant", "status": "published", "days_ago": 0.3,
        "image": "grid", "tags": ["新聞室", "開源", "軟體"],
        "title": "新聞室上線繁簡雙字體閱讀，讀者可一鍵切換",
        "summary": "本站即日起提供繁體與簡體兩種閱讀版本，文章在編輯儲存時就完成轉換，讀者可依習慣自由切換。",
        "author": "新聞室編輯部",
        "body": (
            (
                "<p>新聞室即日起在每個頁面的頁首加入「繁體／简体」切換連結。讀者點選偏好的字體後，"
                "就會看到同一篇文章的另一種字體版本，網址也會隨之改變，方便分享給習慣不同字體的朋友。</p>"
            ),
            "<h2>轉換在儲存時完成</h2>",
            (
                "<p>與讀者開啟頁面時才即時轉換的做法不同，本站在編輯儲存文章時就同時產生繁體與簡體兩個版本。"
                "這樣做能減輕伺服器負擔，也讓編輯有機會在發布前檢查兩種版本的用詞。</p>"
            ),
            (
                "<p>轉換採用詞彙層級的對照，而不只是逐字替換。例如 <code>软件</code> 會轉為 <code>軟體</code>，"
                "<code>网络</code> 會轉為 <code>網路</code>，反向轉換時也會換回對岸的常見說法。</p>"
            ),
            (
                "<ul><li>標題、摘要、內文與版權聲明都會轉換</li><li>程式碼區塊保持原樣，不做任何更動</li>"
                "<li>標籤在兩種字體下指向同一個主題頁</li></ul>"
            ),
            "<p>如果讀者發現轉換後的用詞不自然，歡迎透過頁尾的聯絡方式回報，編輯部會持續修正對照表。</p>",
        ),
    },
    {
        "guid": "demo-002", "source": "weekly", "language": "zh-hans", "status": "published", "days_ago": 1.2,
        "image": "chart", "tags": ["比特币", "挖矿", "加密货币"],
        "title": "比特币全网算力再创新高，矿工收入结构悄然生变",
        "summary": "链上数据显示，比特币全网算力在过去两周持续攀升，而交易手续费在矿工收入中的占比也在缓慢提高。",
        "author": "编译／周子涵",
        "body": (
            (
                "<p>根据多家矿池公开的数据，比特币全网算力在过去两周内持续攀升，七日平均值再次刷新纪录。"
                "分析人士认为，新一代矿机集中交付是推动算力上升的主要原因。</p>"
            ),
            (
                "<p>算力上升意味着单台矿机分到的区块奖励变少。在区块补贴减半之后，"
                "不少中小矿场的利润空间被进一步压缩，行业内卷愈发明显：谁的电价更低、矿机能效更高，谁就能撑得更久。"
                "</p>"
            ),
            "<h2>手续费占比缓慢提高</h2>",
            (
                "<p>值得注意的是，交易手续费在矿工收入中的占比正在缓慢提高。在网络拥堵的时段，"
                "手续费一度占到单个区块总收入的两成以上。有矿池运营者表示，未来矿工的收入将越来越依赖链上活动的热度。"
                "</p>"
            ),
            "<blockquote>“过去大家只盯着币价，现在还得盯着交易池。”一位矿池运营者这样形容行业的变化。</blockquote>",
            (
                "<p>不过，也有研究人员提醒，手续费收入波动极大，难以作为稳定的经营依据。矿工仍需在电力合约、"
                "设备折旧与币价风险之间寻找平衡。</p>"
            ),
        ),
    },
    {
        "guid": "demo-003", "source": "review", "language": "zh-hant", "status": "published", "days_ago": 2.0,
        "image": "orbit", "tags": ["人工智慧", "開源", "大型語言模型"],
        "title": "澄波實驗室釋出開源語言模型，主打筆電離線推論",
        "summary": (
            "獨立研究團隊澄波實驗室公開一款約 70 億參數的語言模型權重，強調在一般筆電上也能離線執行，"
            "並採用寬鬆的開源授權。"
        ),
        "author": "編譯／林怡君",
        "body": (
            (
                "<p>獨立研究團隊澄波實驗室日前公開一款約 70 億參數的語言模型，並以寬鬆的開源授權釋出權重。團隊表示，"
                "模型經過量化後，可以在配備 16GB 記憶體的筆電上離線執行。</p>"
            ),
            "<h2>量化後仍保有七成以上表現</h2>",
            (
                "<p>根據團隊公布的評測，4 位元量化版本在常見的中文閱讀理解與摘要任務上，"
                "仍維持原始模型七成以上的分數。團隊也坦言，在長篇推理與程式生成方面，表現與雲端大型模型仍有明顯差距。"
                "</p>"
            ),
            "<p>對開發者來說，離線執行最大的好處是資料不必離開本機。團隊在文件中提供的設定檔範例如下：</p>",
            (
                '<pre><code class="language-yaml">'
                'model: chengbo-7b\n'
                'quantization: q4\n'
                'context_length: 8192\n'
                'device: cpu\n'
                'system_prompt: "請用繁體中文回答"</code></pre>'
            ),
            (
                "<p>業界觀察人士認為，小型開源模型的進步，讓中小企業與個人開發者有更多選擇，"
                "也將迫使商業模型在價格與服務上做出更多調整。</p>"
            ),
        ),
    },
    {
        "guid": "demo-004", "source": "newsroom", "language": "zh-hans", "status": "published", "days_ago": 2.8,
        "image": "bubbles", "tags": ["人工智能", "软件开发", "大模型"],
        "title": "内卷之外：AI 编程助手开始比拼“懂业务”",
        "summary": "AI 编程助手从拼参数、拼价格走向拼服务，厂商纷纷强调对企业内部代码库与业务流程的理解。",
        "author": "本站记者／王磊",
        "body": (
            (
                "<p>过去一年，AI 编程助手如潮水般席卷而来。从代码补全到自动生成测试，各家产品的基础功能越来越接近，"
                "价格战也随之打响，业内普遍用“内卷”来形容这条赛道。</p>"
            ),
            (
                "<p>不过，记者近期走访多家软件公司发现，企业在采购时越来越看重的，不是模型在公开榜单上的排名，"
                "而是工具能否理解自家的代码库、接口文档和上线流程。</p>"
            ),
            "<h2>从“会写代码”到“懂业务”</h2>",
            (
                "<p>一家做跨境电商系统的技术负责人告诉记者，团队内部有大量只有老员工才知道的约定，"
                "“通用模型写出来的代码能跑，但常常不符合我们的规范”。因此，他们更愿意为能接入内部知识库、"
                "并能私有化部署在自有服务器上的方案付费。</p>"
            ),
            (
                "<ul><li>支持私有化部署，代码和数据不出内网</li><li>能读取内部文档与历史工单</li>"
                "<li>生成的代码附带可追溯的引用来源</li></ul>"
            ),
            (
                "<p>有分析认为，当模型能力逐渐趋同，服务与落地能力将成为下一阶段竞争的关键，谁能真正嵌入开发流程，"
                "谁就能走出价格战。</p>"
            ),
        ),
    },
    {
        "guid": "demo-005", "source": "weekly", "language": "zh-hant", "status": "published", "days_ago": 3.5,
        "image": "blocks", "tags": ["穩定幣", "支付", "加密貨幣"],
        "title": "跨境電商賣家試用穩定幣收款，手續費與匯差成關鍵",
        "summary": "部分經營海外市場的小型電商開始試用穩定幣收款，希望降低跨境匯款成本，但會計與法遵問題仍待釐清。",
        "author": "編譯／陳冠宇",
        "body": (
            (
                "<p>在海外市場銷售手工皂與文具的小型電商業者，近來開始嘗試以美元穩定幣向海外批發客戶收款。業者表示，"
                "過去一筆跨境匯款動輒需要三到五個工作天，還得負擔中間行的手續費。</p>"
            ),
            (
                "<p>改用穩定幣後，款項通常在幾分鐘內就能入帳，鏈上手續費也相對低廉。不過，"
                "賣家最終仍需把穩定幣換回新台幣，兌換時的價差與交易所手續費，才是實際成本的主要來源。</p>"
            ),
            "<h2>會計與法遵仍是門檻</h2>",
            (
                "<p>會計師提醒，以加密資產收款在入帳認列、稅務申報與洗錢防制上都有額外要求，"
                "業者應保留完整的交易紀錄與客戶身分資料，避免日後產生爭議。</p>"
            ),
            "<blockquote>「技術上已經很方便，真正麻煩的是報稅那一天。」一位試用的賣家笑說。</blockquote>",
        ),
    },
    {
        "guid": "demo-006", "source": "review", "language": "zh-hans", "status": "published", "days_ago": 4.1,
        "image": "grid", "tags": ["边缘计算", "人工智能", "数据中心"], "original_source": "geek",
        "original_url": "https://geekoutpost.example/articles/edge-inference-box-price-cut",
        "title": "边缘推理盒子价格下探，中小企业自建大模型门槛降低",
        "summary": "多款搭载国产 AI 芯片的边缘推理设备降价，中小企业在本地部署中等规模模型的成本明显下降。",
        "author": "编译／李思远",
        "body": (
            (
                "<p>近期，多家硬件厂商下调了边缘推理盒子的售价，部分入门型号的价格已降至万元以内。"
                "这类设备体积与家用路由器相当，可直接放在办公室机柜中运行中等规模的语言模型。</p>"
            ),
            (
                "<p>对于不愿把客户数据上传到公有云的企业来说，本地部署一直是刚需，"
                "但过去动辄数十万元的服务器投入让不少中小企业望而却步。设备降价后，"
                "一家二十人规模的律师事务所也能负担得起。</p>"
            ),
            "<h2>性能够用，运维仍是短板</h2>",
            (
                "<p>从实测来看，这类设备在文档问答、合同摘要等场景下的响应速度已能满足日常需求。但业内人士指出，"
                "模型更新、权限管理与网络安全等运维工作，仍需要专业人员支持。</p>"
            ),
            (
                "<p>有厂商开始推出“硬件加托管服务”的订阅模式，由厂商远程负责系统升级与监控。分析人士认为，"
                "这或许会成为边缘计算市场下一阶段的主流打法。</p>"
            ),
        ),
    },
    {
        "guid": "demo-007", "source": "newsroom", "language": "zh-hant", "status": "published", "days_ago": 5.0,
        "image": "shards", "tags": ["資訊安全", "錢包", "加密貨幣"],
        "title": "假冒錢包擴充功能竊取助記詞，資安研究員籲檢查瀏覽器外掛",
        "summary": (
            "資安研究人員發現多款偽裝成知名加密錢包的瀏覽器擴充功能，會在使用者輸入助記詞時將資料傳送到遠端伺服器。"
        ),
        "author": "記者／黃詩涵",
        "body": (
            (
                "<p>國內資安研究人員近日發現，瀏覽器擴充功能商店中出現多款偽裝成知名加密錢包的外掛程式。"
                "這些程式的圖示與名稱幾可亂真，使用者一旦在其中輸入助記詞，資料就會被傳送到攻擊者控制的伺服器。</p>"
            ),
            (
                "<p>研究人員指出，攻擊者會先購買搜尋廣告，讓假冒的擴充功能出現在搜尋結果最上方，"
                "再以大量假評論提高可信度。部分受害者直到資產被轉走，才發現自己安裝的並非官方版本。</p>"
            ),
            (
                "<blockquote>「任何要求你輸入完整助記詞的網頁或外掛，都應該先假設它是詐騙。」研究團隊在報告中寫道。"
                "</blockquote>"
            ),
            "<h2>自保三步驟</h2>",
            (
                "<ul><li>只從錢包官方網站提供的連結安裝擴充功能</li><li>定期檢查瀏覽器中已安裝的外掛，"
                "移除不認識的項目</li><li>大額資產改用硬體錢包保管，助記詞不要存放在連網裝置中</li></ul>"
            ),
        ),
    },
    {
        "guid": "demo-008", "source": "weekly", "language": "zh-hans", "status": "published", "days_ago": 6.0,
        "image": "network", "tags": ["以太坊", "二层网络", "Web3"],
        "title": "以太坊二层网络手续费走低，链上游戏活跃地址回升",
        "summary": "随着二层网络交易成本下降，多款链上游戏的日活跃地址数在近一个月内明显回升，但用户留存仍是难题。",
        "author": "编译／赵雨桐",
        "body": (
            (
                "<p>据链上数据分析平台统计，以太坊主要二层网络的平均转账手续费已降至不到一美分。交易成本的下降，"
                "让原本因费用过高而停滞的链上游戏重新获得关注。</p>"
            ),
            (
                "<p>在过去一个月里，多款链上游戏的日活跃地址数明显回升，其中一款以农场经营为主题的游戏，"
                "日活跃地址已恢复到去年高峰时期的一半左右。</p>"
            ),
            "<h2>留存仍是难题</h2>",
            (
                "<p>不过，业内人士提醒，活跃地址数并不等于真实用户数。部分项目通过空投奖励吸引用户批量创建地址，"
                "一旦激励结束，数据往往迅速回落。</p>"
            ),
            (
                "<p>有游戏开发者表示，降低手续费只是第一步，真正决定成败的，仍然是游戏本身是否好玩。"
                "“玩家不会因为能上链就留下来。”</p>"
            ),
        ),
    },
    {
        "guid": "demo-009", "source": "newsroom", "language": "zh-hant", "status": "published", "days_ago": 7.0,
        "image": "chip", "tags": ["半導體", "人工智慧", "晶片"],
        "title": "新竹新創晶禾科技發表低功耗 AI 晶片，鎖定智慧攝影機市場",
        "summary": (
            "晶禾科技推出主打低功耗的影像辨識晶片，宣稱可讓電池供電的攝影機在裝置端完成人形偵測，不必將影片上傳雲端。"
        ),
        "author": "記者／陳冠宇",
        "body": (
            (
                "<p>成立四年的新竹新創晶禾科技昨日發表首款量產型 AI 晶片，鎖定居家與店面使用的智慧攝影機市場。"
                "公司表示，新晶片在執行人形偵測時的功耗不到半瓦，可讓電池供電的攝影機續航時間延長一倍以上。</p>"
            ),
            (
                "<p>晶禾科技執行長在發表會上指出，目前多數平價攝影機需要把影片上傳到雲端才能辨識，不僅耗電，"
                "也讓使用者擔心隱私外洩。「在裝置端完成判斷，只把有意義的片段傳出去，是更合理的架構。」</p>"
            ),
            "<h2>量產與客戶進度</h2>",
            (
                "<p>新晶片採用成熟製程，由國內晶圓代工廠生產，預計下季開始小量出貨。公司透露，"
                "已有兩家攝影機品牌完成樣品測試，但未透露客戶名稱。</p>"
            ),
            (
                "<p>產業分析師認為，邊緣 AI 晶片市場競爭激烈，新創公司的優勢在於鎖定利基應用、快速調整設計，"
                "但長期仍需面對大廠以價格和生態系施壓。</p>"
            ),
        ),
    },
    {
        "guid": "demo-010", "source": "review", "language": "zh-hans", "status": "published", "days_ago": 8.0,
        "image": "waves", "tags": ["软件开发", "人工智能", "开源"],
        "title": "开发者调查：近七成团队已在代码审查中引入 AI 工具",
        "summary": (
            "一项面向国内开发团队的问卷调查显示，AI 辅助代码审查的普及速度超出预期，"
            "但多数团队仍坚持由人工做最终决定。"
        ),
        "author": "编译／孙嘉怡",
        "body": (
            (
                "<p>一项覆盖约两千名开发者的问卷调查显示，近七成受访团队已在代码审查流程中引入 AI 工具，"
                "比一年前提高了约三十个百分点。</p>"
            ),
            "<h2>主要用途</h2>",
            (
                "<ul><li>自动发现常见缺陷与安全隐患</li><li>为较长的合并请求生成变更摘要</li>"
                "<li>检查代码风格与命名规范</li></ul>"
            ),
            (
                "<p>不过，超过八成的团队表示，AI 给出的意见只作为参考，最终是否合并仍由人工决定。"
                "受访者最常提到的顾虑，是 AI 会对正确的代码提出似是而非的修改建议，反而增加审查负担。</p>"
            ),
            (
                "<p>调查还发现，开源项目对 AI 审查的接受度略低于企业团队。有维护者表示，"
                "开源社区更担心自动生成的评论会让新贡献者感到被冒犯，“审查不仅是找错，也是在培养人”。</p>"
            ),
        ),
    },
    {
        "guid": "demo-011", "source": "weekly", "language": "zh-hant", "status": "published", "days_ago": 9.5,
        "image": "blocks", "tags": ["交易所", "區塊鏈", "資訊安全"],
        "title": "交易所推出新版儲備證明，使用者可自行驗證帳戶是否被納入",
        "summary": (
            "一家亞洲加密貨幣交易所公布新版儲備證明，以默克爾樹讓使用者自行確認帳戶餘額已被計入，"
            "並公開驗證工具的原始碼。"
        ),
        "author": "編譯／林怡君",
        "body": (
            (
                "<p>亞洲一家中型加密貨幣交易所本週公布新版儲備證明（Proof of Reserves）"
                "，除了列出各幣種的鏈上錢包地址，也提供默克爾樹（Merkle tree）證明，"
                "讓使用者可以自行確認自己的帳戶餘額有被納入負債總額。</p>"
            ),
            "<h2>驗證原理</h2>",
            (
                "<p>交易所把每個帳戶的識別碼與餘額雜湊後作為樹葉，逐層兩兩合併，最後得到一個公開的根雜湊值。"
                "使用者只要拿到自己的樹葉與沿途的兄弟節點，就能在本機重新計算根值。簡化後的驗證邏輯如下：</p>"
            ),
            (
                '<pre><code class="language-python">'
                'import hashlib\n'
                '\n'
                '\n'
                'def verify(leaf: bytes, proof: list[tuple[str, bytes]], root: bytes) -&gt; bool:\n'
                '    node = hashlib.sha256(leaf).digest()\n'
                '    for side, sibling in proof:\n'
                '        pair = sibling + node if side == "left" else node + sibling\n'
                '        node = hashlib.sha256(pair).digest()\n'
                '    return node == root</code></pre>'
            ),
            (
                "<p>資安研究人員肯定此舉提高了透明度，但也提醒，儲備證明只能說明某個時間點的資產與負債狀況，"
                "無法排除交易所在審計前後挪用資金，也無法涵蓋鏈下借款等負債。</p>"
            ),
        ),
    },
    {
        "guid": "demo-012", "source": "newsroom", "language": "zh-hans", "status": "published", "days_ago": 10.5,
        "image": "rings", "tags": ["算法", "媒体", "人工智能"],
        "title": "信息过载时代，新闻推荐算法该不该“慢下来”？",
        "summary": (
            "当推荐算法不断追求点击率，读者获取信息的节奏也被推着加速。本站访问了几位编辑与工程师，"
            "讨论推荐系统是否应该为深度内容留出空间。"
        ),
        "author": "本站记者／刘晨",
        "body": (
            (
                "<p>打开任何一款新闻应用，首页几乎都由推荐算法决定。算法根据用户的点击、"
                "停留时间和分享行为不断调整内容，让人在短时间内接收到海量信息，也让不少读者感到疲惫。</p>"
            ),
            (
                "<p>一位在内容平台负责推荐系统的工程师坦言，团队的考核指标长期以点击率和使用时长为主，“模型学到的，"
                "就是什么内容能让人停不下来”。在激烈的流量竞争下，平台之间也陷入了某种内卷。</p>"
            ),
            "<h2>给深度内容留出空间</h2>",
            (
                "<p>部分编辑认为，推荐系统应该引入更多元的目标，例如内容的信息密度、来源的可信度，"
                "以及读者事后的满意度评价。也有平台开始尝试在首页保留由编辑人工挑选的栏位，与算法推荐并行。</p>"
            ),
            "<blockquote>“算法没有错，错的是我们只让它追一个数字。”一位资深编辑说。</blockquote>",
            (
                "<p>研究人员则提醒，任何调整都需要公开透明。当推荐逻辑影响公众获取信息的方式，"
                "平台有责任向读者说明数据是如何被收集和使用的。</p>"
            ),
        ),
    },
    {
        "guid": "demo-013", "source": "review", "language": "zh-hant", "status": "published", "days_ago": 11.5,
        "image": "grid", "tags": ["開源", "資料庫", "人工智慧"], "original_source": "geek",
        "original_url": "https://geekoutpost.example/articles/tidepooldb-2-0-vector-search",
        "title": "開源資料庫 TidepoolDB 發布 2.0 版，內建向量搜尋",
        "summary": (
            "社群維護的嵌入式資料庫 TidepoolDB 推出 2.0 版，新增向量索引與混合查詢，"
            "讓小型應用不必另外架設向量資料庫。"
        ),
        "author": "編譯／吳承翰",
        "body": (
            (
                "<p>開源嵌入式資料庫 TidepoolDB 本週發布 2.0 版。最受矚目的新功能，是直接在資料庫內建立向量索引，"
                "並能在同一個查詢中結合關鍵字篩選與相似度排序。</p>"
            ),
            (
                "<p>專案維護者表示，許多小型應用只是想替既有資料加上語意搜尋，卻得另外架設一套向量資料庫、"
                "處理兩邊資料同步的問題。「我們希望把這件事簡化成多建一個索引。」</p>"
            ),
            (
                "<pre><code class=\"language-sql\">"
                "CREATE INDEX docs_embedding ON docs USING vector (embedding);\n"
                "\n"
                "SELECT id, title\n"
                "FROM docs\n"
                "WHERE lang = 'zh-hant'\n"
                "ORDER BY embedding &lt;-&gt; :query_vector\n"
                "LIMIT 10;</code></pre>"
            ),
            "<h2>效能與相容性</h2>",
            (
                "<p>根據官方測試，在百萬筆資料規模下，混合查詢的延遲可控制在數十毫秒以內。"
                "不過 2.0 版的檔案格式與舊版不相容，升級前需要先匯出資料再重新匯入，"
                "維護者建議使用者先在測試環境驗證。</p>"
            ),
        ),
    },
    {
        "guid": "demo-014", "source": "weekly", "language": "zh-hans", "status": "published", "days_ago": 12.5,
        "image": "chart", "tags": ["比特币", "链上数据", "加密货币"],
        "title": "链上数据显示长期持有者占比升至高位，短线筹码持续换手",
        "summary": (
            "分析机构统计，持币超过一年的比特币所占流通量比例升至近年高位，而短期持有者的筹码在价格震荡中频繁换手。"
        ),
        "author": "编译／周子涵",
        "body": (
            (
                "<p>多家链上数据分析机构的统计显示，持币时间超过一年的比特币所占流通量比例已升至近年高位。"
                "分析师通常把这类地址视为“长期持有者”，其行为被认为更能反映市场的信心。</p>"
            ),
            (
                "<p>与此同时，短期持有者的筹码在近期的价格震荡中频繁换手。数据显示，过去一个月内发生转移的比特币中，"
                "超过六成来自持有时间不足三个月的地址。</p>"
            ),
            "<h2>解读需谨慎</h2>",
            (
                "<p>不过，也有研究人员提醒，链上数据存在不少盲区。交易所和托管机构的钱包往往代表成千上万的用户，"
                "单纯依据地址的持有时间来判断投资者行为，容易得出片面的结论。</p>"
            ),
            (
                "<ul><li>交易所热钱包的内部调拨可能被误判为换手</li><li>丢失私钥的“沉睡币”会被计入长期持有</li>"
                "<li>同一用户可能拥有多个地址</li></ul>"
            ),
        ),
    },
    {
        "guid": "demo-015", "source": "newsroom", "language": "zh-hant", "status": "published", "days_ago": 14.0,
        "image": "bubbles", "tags": ["新聞室", "人工智慧", "媒體"],
        "title": "本站更新圖片政策：AI 生成圖片一律標示",
        "summary": "新聞室即日起要求所有由 AI 生成的配圖，都必須在圖片下方清楚標示，並註明使用的生成工具。",
        "author": "新聞室編輯部",
        "body": (
            (
                "<p>隨著 AI 繪圖工具普及，新聞配圖的來源也變得更加多元。為了讓讀者清楚分辨照片與生成圖片，"
                "新聞室即日起更新圖片使用政策。</p>"
            ),
            "<h2>新規定重點</h2>",
            (
                "<ul><li>由 AI 生成的圖片，一律在圖片下方標示「AI 生成」與使用的工具名稱</li>"
                "<li>AI 生成圖片僅用於示意，不得用來呈現真實發生的新聞現場</li><li>所有圖片都須填寫替代文字，"
                "方便使用螢幕閱讀器的讀者理解內容</li></ul>"
            ),
            (
                "<p>編輯部表示，示意圖能幫助讀者理解抽象的技術概念，例如區塊鏈的節點網路或 AI 模型的運作方式，"
                "但任何可能被誤認為真實照片的畫面，都不應使用生成工具製作。</p>"
            ),
            "<p>讀者若發現本站圖片標示不清或有疑慮，歡迎來信告知，我們會在查證後更正。</p>",
        ),
    },
    {
        "guid": "demo-016", "source": "review", "language": "zh-hans", "status": "published", "days_ago": 15.0,
        "image": "waves", "tags": ["大模型", "手机", "边缘计算"],
        "title": "手机端侧大模型加速普及，隐私与续航如何取舍？",
        "summary": "越来越多的手机把语言模型放在本地运行，隐私保护更好，但发热和续航问题也随之而来。",
        "author": "编译／李思远",
        "body": (
            (
                "<p>今年发布的新款手机中，越来越多的机型宣传“端侧大模型”，"
                "即把经过压缩的语言模型直接放在手机本地运行。通话摘要、相册搜索和短信回复建议等功能，"
                "都不再需要把数据上传到云端服务器。</p>"
            ),
            (
                "<p>端侧运行最大的好处是隐私。用户的聊天记录和照片无需离开设备，即使在没有网络的情况下，"
                "部分功能也能照常使用。</p>"
            ),
            "<h2>发热与续航成新挑战</h2>",
            (
                "<p>但模型推理会占用大量算力。有评测机构发现，连续使用生成类功能十几分钟后，"
                "部分机型的机身温度明显上升，电量消耗也比平时快了不少。</p>"
            ),
            (
                "<p>业内人士认为，未来端侧与云端会长期并存：简单、涉及隐私的任务在本地完成，复杂的任务则交给云端。"
                "如何在两者之间自动切换，并让用户清楚知道数据去了哪里，将是厂商需要解决的问题。</p>"
            ),
        ),
    },
    {
        "guid": "demo-017", "source": "weekly", "language": "zh-hant", "status": "published", "days_ago": 16.5,
        "image": "shards", "tags": ["NFT", "Web3", "創作者經濟"],
        "title": "NFT 市場降溫後，創作者轉向會員制與實體周邊",
        "summary": (
            "NFT 交易量較高峰期大幅萎縮，但仍有插畫家與音樂人把數位收藏品轉型為會員憑證，結合實體商品與線下活動。"
        ),
        "author": "編譯／張雅婷",
        "body": (
            (
                "<p>與兩年前的熱潮相比，NFT 市場的交易量已大幅萎縮，不少曾經一票難求的系列作品，"
                "如今的成交價只剩高峰時期的零頭。</p>"
            ),
            (
                "<p>不過，仍有一群創作者沒有離開。一位台北的插畫家把過去發行的數位收藏品轉型為「會員卡」，"
                "持有者可以優先購買限量畫冊，並參加每季一次的線下聚會。</p>"
            ),
            "<h2>從炒作回到粉絲經營</h2>",
            (
                "<p>觀察人士指出，這類做法更接近傳統的粉絲經營，區塊鏈只是其中一種發行與驗證的工具。"
                "創作者不再強調作品會增值，而是著重於持有者能獲得哪些實際體驗。</p>"
            ),
            "<blockquote>「我不想再跟粉絲討論價格，我想跟他們討論作品。」這位插畫家說。</blockquote>",
        ),
    },
    {
        "guid": "demo-018", "source": "newsroom", "language": "zh-hans", "status": "published", "days_ago": 18.0,
        "image": "network", "tags": ["零知识证明", "区块链", "信息安全"],
        "title": "一文看懂零知识证明：如何证明你知道，却不透露你知道什么",
        "summary": "零知识证明是近年区块链与隐私计算领域的热门技术。本文用生活中的例子，解释它的基本概念和应用场景。",
        "author": "本站记者／王磊",
        "body": (
            (
                "<p>零知识证明（Zero-Knowledge Proof）听起来很玄，核心想法却不难理解："
                "一方可以向另一方证明某件事是真的，同时不透露除此之外的任何信息。</p>"
            ),
            "<h2>一个生活中的例子</h2>",
            (
                "<p>假设你要向店员证明自己已满十八岁。传统做法是出示身份证，但对方同时会看到你的姓名、"
                "住址和出生日期。如果有一种证明只告诉店员“此人已成年”这一个事实，那就是零知识证明想要实现的效果。</p>"
            ),
            "<h2>在区块链上的应用</h2>",
            (
                "<ul><li>扩容：把大量交易打包计算，只把简短的证明提交到主链</li><li>隐私转账：证明交易合法，"
                "却不公开金额与双方地址</li><li>身份验证：证明自己符合某项条件，而不交出完整的个人数据</li></ul>"
            ),
            (
                "<p>当然，零知识证明并非万能。生成证明需要消耗大量算力，相关的密码学实现也十分复杂，一旦出现漏洞，"
                "后果可能相当严重。</p>"
            ),
        ),
    },
    {
        "guid": "demo-019", "source": "review", "language": "zh-hant", "status": "published", "days_ago": 19.5,
        "image": "chip", "tags": ["雲端運算", "人工智慧", "資料中心"], "original_source": "geek",
        "original_url": "https://geekoutpost.example/articles/cloud-gpu-rental-prices",
        "title": "雲端 GPU 租用價格連續三季下滑，小型 AI 團隊受惠",
        "summary": (
            "多家雲端服務商陸續調降 GPU 執行個體的租用價格，讓預算有限的新創團隊更容易負擔模型微調與推論的成本。"
        ),
        "author": "編譯／吳承翰",
        "body": (
            (
                "<p>根據市場研究機構的追蹤，主流雲端服務商的高階 GPU 執行個體租用價格已連續三季下滑，"
                "部分按需計價方案的降幅超過三成。</p>"
            ),
            (
                "<p>業界分析，價格下滑主要來自新一代加速卡大量上線，以及過去一年搶購的算力逐漸到位。"
                "資料中心的供給增加後，服務商開始以折扣爭取長期客戶。</p>"
            ),
            "<h2>新創團隊的選擇變多了</h2>",
            (
                "<p>一位在台北經營 AI 客服新創的創辦人表示，過去微調一次模型就要花掉一個月的雲端預算，"
                "現在成本大約只剩一半，團隊可以更頻繁地實驗。</p>"
            ),
            (
                "<p>不過，分析師提醒，價格下滑不代表供需已完全平衡。最新一代的加速卡仍然一卡難求，"
                "需要大規模訓練的團隊，往往還是得簽訂長期合約才能確保算力。</p>"
            ),
        ),
    },
    {
        "guid": "demo-020", "source": "newsroom", "language": "zh-hans", "status": "published", "days_ago": 21.0,
        "image": "rings", "tags": ["开源", "软件开发", "社区"],
        "title": "开源维护者倦怠调查：资金与人手双双短缺",
        "summary": (
            "一项针对国内开源项目维护者的调查显示，超过半数受访者曾考虑放弃维护，资金不足与贡献者流失是主要原因。"
        ),
        "author": "本站记者／刘晨",
        "body": (
            (
                "<p>开源软件支撑着大量商业系统的运行，但维护这些项目的人往往是利用业余时间的志愿者。"
                "本站联合几个开源社区发起的调查显示，超过半数的受访维护者曾在过去一年中认真考虑过放弃维护。</p>"
            ),
            "<h2>最常见的三大压力</h2>",
            (
                "<ul><li>议题和合并请求数量远超个人处理能力</li><li>缺乏稳定的资金来源，难以投入更多时间</li>"
                "<li>部分用户态度强硬，把开源项目当作免费的售后服务</li></ul>"
            ),
            (
                "<p>一位维护着热门网络请求库的开发者说，项目被数千个软件依赖，但每月收到的赞助还不够支付服务器费用。"
                "“大家都在用，却很少有人想过是谁在维护。”</p>"
            ),
            (
                "<p>受访者普遍希望企业能以更制度化的方式回馈开源，例如设立专门的开源基金，"
                "或允许员工在工作时间参与上游项目的维护。</p>"
            ),
        ),
    },
    {
        "guid": "demo-021", "source": "weekly", "language": "zh-hant", "status": "published", "days_ago": 23.0,
        "image": "network", "tags": ["比特幣", "閃電網路", "支付"],
        "title": "比特幣閃電網路公開節點數回升，小額支付實驗再起",
        "summary": "閃電網路的公開節點數在一段時間的下滑後重新回升，多個打賞與串流付費服務開始試用即時小額付款。",
        "author": "編譯／張雅婷",
        "body": (
            (
                "<p>根據公開的網路統計資料，比特幣閃電網路的公開節點數在經歷一年多的下滑後，近三個月重新回升。"
                "社群觀察者認為，錢包操作變得更簡單，是吸引新使用者的主要原因。</p>"
            ),
            (
                "<p>閃電網路是建立在比特幣主鏈之上的支付通道網路，適合金額小、頻率高的付款。"
                "近期有多個部落格打賞與 Podcast 串流付費服務，開始試用以「聰」為單位的即時小額付款。</p>"
            ),
            "<h2>流動性仍是瓶頸</h2>",
            (
                "<p>不過，開發者指出，支付通道需要預先鎖定資金，若節點之間的流動性分布不均，"
                "較大金額的付款仍容易失敗。對一般使用者而言，通道管理依然是不小的門檻。</p>"
            ),
        ),
    },
    {
        "guid": "demo-022", "source": "newsroom", "language": "zh-hant", "status": "published", "days_ago": 26.0,
        "image": "waves", "tags": ["新聞室", "RSS", "開源"],
        "title": "技術筆記：新聞室如何用 RSS 匯入合作媒體稿件",
        "summary": "本站說明如何透過 RSS 與 Atom 訂閱來源匯入合作媒體的稿件，並在發布前檢查轉載授權。",
        "author": "新聞室技術組",
        "body": (
            (
                "<p>新聞室每天編譯的稿件中，有相當比例來自已簽署轉載授權的合作媒體。為了減少人工複製貼上的錯誤，"
                "我們讓系統定時讀取合作媒體的 RSS 或 Atom 訂閱來源，自動建立文章草稿。</p>"
            ),
            "<h2>以識別碼避免重複</h2>",
            (
                "<p>每則訂閱項目都帶有唯一的識別碼（guid）。系統以「來源＋識別碼」判斷稿件是否已經匯入，"
                "同一篇文章不會被重複建立。簡化後的流程如下：</p>"
            ),
            (
                '<pre><code class="language-python">'
                'for entry in feed.entries:\n'
                '    guid = entry.get("id") or entry.link\n'
                '    if Article.objects.filter(source=source, guid=guid).exists():\n'
                '        continue  # 已匯入過，略過\n'
                '    create_draft(source=source, guid=guid, entry=entry)</code></pre>'
            ),
            (
                "<p>匯入的稿件一律先存成草稿。若來源的轉載授權已過期或尚未取得，系統會拒絕發布並提示編輯，"
                "確保每一篇上線的文章都有授權依據。</p>"
            ),
        ),
    },
    {
        "guid": "demo-023", "source": "review", "language": "zh-hans", "status": "published", "days_ago": 28.5,
        "image": "chip", "tags": ["芯片", "数据中心", "人工智能"],
        "title": "算力紧缺之下，数据中心转向异构计算架构",
        "summary": (
            "面对高端加速卡供应紧张，不少数据中心开始混合部署多种芯片，通过软件调度把不同任务分配给最合适的硬件。"
        ),
        "author": "编译／孙嘉怡",
        "body": (
            (
                "<p>在高端 AI 加速卡供应持续紧张的背景下，越来越多的数据中心开始采用异构计算架构："
                "同一集群中混合部署不同厂商、不同代际的芯片，由调度软件根据任务类型分配算力。</p>"
            ),
            (
                "<p>一位云服务商的架构师表示，训练大模型仍然需要最新的加速卡，但推理、向量检索和数据预处理等任务，"
                "完全可以交给性价比更高的芯片，“关键在于调度系统能不能把每块卡用满”。</p>"
            ),
            "<h2>软件生态是最大障碍</h2>",
            (
                "<p>异构架构的难点在于软件。不同芯片的编程接口和算子库差异很大，"
                "开发团队往往需要为同一个模型维护多套代码。业内正在推动统一的中间层标准，希望降低迁移成本。</p>"
            ),
            "<p>分析人士认为，随着国产芯片的软件栈逐步成熟，异构计算将从“无奈之举”变成数据中心的常态配置。</p>",
        ),
    },
    {
        "guid": "demo-024", "source": "newsroom", "language": "zh-hant", "status": "draft", "image": None,
        "tags": ["新聞室", "人工智慧"],
        "title": "年終盤點（草稿）：今年最值得關注的十項科技趨勢",
        "summary": "編輯部整理今年在 AI、區塊鏈與半導體領域最值得關注的十項趨勢。（待補完）",
        "author": "新聞室編輯部",
        "body": (
            "<p>【編按：本文尚在撰寫中，以下為大綱，請勿發布。】</p>",
            "<h2>初步名單</h2>",
            (
                "<ul><li>小型開源語言模型走進筆電與手機</li><li>AI 程式助手從補全走向代理</li>"
                "<li>穩定幣支付的法規框架逐步成形</li><li>邊緣 AI 晶片百家爭鳴</li></ul>"
            ),
            "<p>其餘六項待各組記者提供意見後補上，預計下週一前完成初稿。</p>",
        ),
    },
    {
        "guid": "demo-025", "source": "weekly", "language": "zh-hans", "status": "draft", "image": None,
        "tags": ["DeFi", "以太坊", "加密货币"],
        "title": "解读 DeFi 借贷协议的清算机制（待补数据）",
        "summary": "当抵押品价格剧烈波动时，去中心化借贷协议如何自动清算？本文以常见的超额抵押模型为例说明。",
        "author": "编译／赵雨桐",
        "body": (
            (
                "<p>去中心化借贷协议通常要求借款人超额抵押：想借出价值 100 美元的稳定币，"
                "往往需要先存入价值 150 美元以上的加密资产。</p>"
            ),
            "<h2>清算是如何触发的</h2>",
            (
                "<p>协议会持续读取价格预言机提供的报价。一旦抵押品价值跌破设定的清算线，"
                "任何人都可以替借款人偿还部分债务，并以折扣价获得对应的抵押品，这就是所谓的“清算人”机制。</p>"
            ),
            "<p>【待补：近一个月主要协议的清算金额统计与图表，数据来源需再确认。】</p>",
        ),
    },
    {
        "guid": "demo-026", "source": "newsroom", "language": "zh-hant", "status": "review", "image": "rings",
        "tags": ["量子運算", "加密貨幣", "資訊安全"],
        "title": "量子電腦威脅加密貨幣？專家：遷移應及早規劃",
        "summary": (
            "量子運算的進展引發外界擔心現行加密演算法被破解。密碼學家認為短期風險有限，"
            "但區塊鏈社群應及早規劃遷移到抗量子演算法。"
        ),
        "author": "記者／黃詩涵",
        "body": (
            (
                "<p>每當量子電腦傳出新的研究突破，加密貨幣社群就會出現「比特幣即將被破解」的討論。"
                "多位密碼學家受訪時表示，要破解目前使用的橢圓曲線簽章，所需的量子位元數量與錯誤率要求，"
                "仍遠遠超出現有硬體的能力。</p>"
            ),
            (
                "<p>不過，專家也提醒，區塊鏈的升級需要整個社群達成共識，往往曠日費時。「等到威脅真的出現才開始討論，"
                "就已經太晚了。」</p>"
            ),
            "<h2>「現在收集、日後解密」</h2>",
            (
                "<p>資安業界更擔心的是「現在收集、日後解密」的攻擊模式：攻擊者先把加密的通訊內容保存下來，"
                "等到量子電腦成熟後再行破解。對需要長期保密的資料來說，這是必須正視的風險。</p>"
            ),
            (
                "<p>目前已有標準組織公布抗量子密碼演算法，部分瀏覽器與通訊軟體也開始試行混合加密方案。專家建議，"
                "企業應先盤點系統中使用的加密演算法，為日後的遷移預作準備。</p>"
            ),
        ),
    },
    {
        "guid": "demo-027", "source": "newsroom", "language": "zh-hans", "status": "scheduled", "days_ahead": 1.5,
        "image": "orbit", "tags": ["大模型", "信息安全", "新闻室"],
        "title": "专题预告：大模型安全评测系列报道",
        "summary": "本站将推出系列报道，从提示词注入、数据泄露到越狱攻击，实测多款大模型产品的安全表现。",
        "author": "新闻室编辑部",
        "body": (
            (
                "<p>随着大模型被接入客服、办公和编程等越来越多的场景，它们的安全问题也日益受到关注。"
                "本站将从下周起推出“大模型安全评测”系列报道。</p>"
            ),
            "<h2>系列内容</h2>",
            (
                "<ul><li>提示词注入：网页和文件中的隐藏指令，会不会让模型“听错话”？</li><li>数据泄露："
                "模型是否会在回答中吐露其他用户的信息？</li><li>越狱攻击：绕过安全限制到底有多容易？</li></ul>"
            ),
            "<p>所有测试都将在受控环境中进行，发现的问题会先通报相关厂商，给予合理的修复时间后再公开细节。</p>",
        ),
    },
    {
        "guid": "demo-028", "source": "weekly", "language": "zh-hant", "status": "scheduled", "days_ahead": 3.2,
        "image": "chart", "tags": ["比特幣", "挖礦"],
        "title": "專訪：一位台灣礦工的十年",
        "summary": "從宿舍裡的一張顯示卡，到託管在海外礦場的整排礦機，一位資深礦工談他如何走過比特幣挖礦的幾輪起落。",
        "author": "記者／陳冠宇",
        "body": (
            (
                "<p>阿哲（化名）第一次接觸挖礦，是大學時在宿舍裡用一張顯示卡跑程式。「那時候只覺得好玩，"
                "沒想過電費的問題。」他笑著說，這件事後來被宿舍管理員發現，只好收手。</p>"
            ),
            (
                "<p>十年過去，他已經不在台灣挖礦。高電價與炎熱的氣候讓本地礦場難以生存，"
                "他把礦機託管在海外電價較低的地區，每天透過手機監控算力與溫度。</p>"
            ),
            "<h2>每一次減半都是考驗</h2>",
            (
                "<p>談到比特幣的減半，阿哲說，每一次都有一批同行退場。「挖礦其實是在賭電價和幣價的差距。"
                "效率差的機器，減半之後就只是在燒電。」</p>"
            ),
            "<blockquote>「很多人以為挖礦是被動收入，其實它比開一間小工廠還要操心。」</blockquote>",
            (
                "<p>被問到會不會繼續做下去，他想了一下說，只要還算得過來，就會繼續。「至少，"
                "我現在比十年前更懂得什麼時候該停。」</p>"
            ),
        ),
    },
    {
        "guid": "demo-029", "source": "unlicensed", "language": "zh-hans", "status": "draft", "image": None,
        "tags": ["交易所", "加密货币"],
        "title": "传闻：某头部交易所将上线新公链代币",
        "summary": "市场传出某头部交易所将上线一条新公链的原生代币，交易所尚未回应。",
        "author": "编译／周子涵",
        "body": (
            (
                "<p>据未授权日报报道，市场传闻某头部交易所计划于近期上线一条新公链的原生代币，"
                "相关代币价格在场外市场应声上涨。</p>"
            ),
            "<p>截至发稿时，该交易所尚未对此作出回应，本站也未能独立核实消息来源。</p>",
            "<p>【编者注：本稿编译自尚未取得转载授权的来源，授权确认前不得发布。】</p>",
        ),
    },
    {
        "guid": "demo-030", "source": "unlicensed", "language": "zh-hant", "status": "draft", "image": None,
        "tags": ["人工智慧", "半導體"],
        "title": "傳大型科技公司將重整 AI 部門",
        "summary": "未授權日報引述消息人士指出，一家大型科技公司可能重整旗下 AI 部門，公司未證實。",
        "author": "編譯／林怡君",
        "body": (
            (
                "<p>未授權日報引述不具名消息人士報導，一家大型科技公司正在評估重整旗下 AI 研究部門，"
                "部分團隊可能併入產品事業群。</p>"
            ),
            "<p>該公司發言人表示，不對市場傳言發表評論。</p>",
            "<p>【編按：此來源尚未取得轉載授權，法務確認前請勿發布。】</p>",
        ),
    },
]


# --- Drawing -----------------------------------------------------------------------------

WIDTH, HEIGHT = 1200, 675
SCALE = 2  # shapes are drawn at twice the size and scaled down, which smooths their edges
W, H = WIDTH * SCALE, HEIGHT * SCALE

Point = tuple[float, float]
RGBA = tuple[int, int, int, int]


def _rgba(color: str, alpha: int) -> RGBA:
    r, g, b = ImageColor.getrgb(color)[:3]
    return r, g, b, alpha


def _gradient(start: str, end: str, mix: float) -> PILImage.Image:
    """A two-colour gradient; ``mix`` turns it from top-to-bottom (0) to left-to-right (1)."""
    vertical = PILImage.linear_gradient("L")
    horizontal = vertical.rotate(90)
    mask = PILImage.blend(vertical, horizontal, mix).resize((WIDTH, HEIGHT), PILImage.Resampling.BICUBIC)
    size = (WIDTH, HEIGHT)
    return PILImage.composite(PILImage.new("RGB", size, end), PILImage.new("RGB", size, start), mask)


def _dot(draw: ImageDraw.ImageDraw, center: Point, radius: float, **kwargs) -> None:
    x, y = center
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), **kwargs)


def _network(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    points = [(rng.uniform(100, W - 100), rng.uniform(100, H - 100)) for _ in range(36)]
    for point in points:
        nearest = sorted(points, key=lambda other: math.dist(point, other))[1:4]
        for other in nearest:
            draw.line((point, other), fill=_rgba(accents[0], 120), width=4)
    for point in points:
        radius = rng.uniform(10, 30)
        _dot(draw, point, radius * 2.2, fill=_rgba(accents[2], 40))
        _dot(draw, point, radius, fill=_rgba(accents[1], 230))


def _blocks(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    count, size = 7, 230
    gap = (W - count * size) / (count + 1)
    centers = []
    for i in range(count):
        x = gap + i * (size + gap) + size / 2
        y = H / 2 + math.sin(i * 0.9 + rng.uniform(0, 1)) * 160
        centers.append((x, y))
    for a, b in itertools.pairwise(centers):
        draw.line((a, b), fill=_rgba(accents[1], 200), width=10)
    for x, y in centers:
        box = (x - size / 2, y - size / 2, x + size / 2, y + size / 2)
        draw.rounded_rectangle(box, radius=36, fill=_rgba(accents[0], 200), outline=_rgba(accents[1], 255), width=8)
        for row in range(4):  # a few "transaction" bars inside each block
            length = rng.uniform(0.35, 0.8) * (size - 80)
            top = y - size / 2 + 48 + row * 38
            draw.rounded_rectangle((x - size / 2 + 40, top, x - size / 2 + 40 + length, top + 16), radius=8,
                                   fill=_rgba(accents[2], 210))


def _chart(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    for i in range(1, 6):  # faint horizontal rules
        y = H * i / 6
        draw.line(((0, y), (W, y)), fill=_rgba(accents[2], 40), width=3)
    count = 16
    step = W / (count + 1)
    tops = []
    level = H * 0.75
    for i in range(count):
        level = max(H * 0.15, min(H * 0.85, level - rng.uniform(-60, 110)))
        x = step * (i + 1)
        draw.rounded_rectangle((x - step * 0.3, level, x + step * 0.3, H + 20), radius=14,
                               fill=_rgba(accents[0], 150))
        tops.append((x, level - 60))
    draw.line(tops, fill=_rgba(accents[1], 235), width=12, joint="curve")
    for point in tops:
        _dot(draw, point, 16, fill=_rgba(accents[2], 255))


def _bubbles(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    for _ in range(70):
        center = (rng.uniform(-100, W + 100), rng.uniform(-100, H + 100))
        radius = rng.uniform(20, 260)
        color = rng.choice(accents)
        if rng.random() < 0.3:
            _dot(draw, center, radius, outline=_rgba(color, 160), width=6)
        else:
            _dot(draw, center, radius, fill=_rgba(color, rng.randint(30, 110)))


def _waves(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    for i in range(9):
        amplitude = rng.uniform(60, 220)
        wavelength = rng.uniform(500, 1400)
        phase = rng.uniform(0, math.tau)
        base = H * (i + 1) / 10
        points = [(x, base + amplitude * math.sin(x / wavelength * math.tau + phase)) for x in range(-20, W + 40, 16)]
        draw.line(points, fill=_rgba(accents[i % len(accents)], 190), width=rng.randint(5, 14), joint="curve")


def _grid(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    spacing = 80
    cols, rows = W // spacing, H // spacing
    lit = {(rng.randrange(cols), rng.randrange(rows)) for _ in range(60)}
    for col in range(cols):
        for row in range(rows):
            x, y = (col + 0.5) * spacing, (row + 0.5) * spacing
            if (col, row) in lit:
                color = accents[(col + row) % 2]
                draw.rounded_rectangle((x - 30, y - 30, x + 30, y + 30), radius=10, fill=_rgba(color, 200))
            else:
                _dot(draw, (x, y), 7, fill=_rgba(accents[2], 90))
    for _ in range(5):  # tall translucent "racks"
        x = rng.uniform(0, W - 200)
        draw.rectangle((x, 0, x + rng.uniform(80, 200), H), fill=_rgba(accents[0], 28))


def _rings(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    center = (rng.uniform(W * 0.2, W * 0.45), rng.uniform(H * 0.3, H * 0.7))
    for i, radius in enumerate(range(70, 2600, 85)):
        alpha = max(30, 220 - i * 7)
        _dot(draw, center, radius, outline=_rgba(accents[i % 2], alpha), width=6 if i % 3 else 14)
    for _ in range(10):  # bright arcs on some rings
        radius = rng.randrange(70, 1500, 85)
        start = rng.uniform(0, 360)
        x, y = center
        draw.arc((x - radius, y - radius, x + radius, y + radius), start, start + rng.uniform(20, 80),
                 fill=_rgba(accents[2], 240), width=18)


def _shards(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    cols, rows = 12, 7
    cell_w, cell_h = W / cols, H / rows
    grid = [[(c * cell_w + (rng.uniform(-0.35, 0.35) * cell_w if 0 < c < cols else 0),
              r * cell_h + (rng.uniform(-0.35, 0.35) * cell_h if 0 < r < rows else 0))
             for c in range(cols + 1)] for r in range(rows + 1)]
    light, dark = ImageColor.getrgb(accents[0]), ImageColor.getrgb(accents[1])
    for r in range(rows):
        for c in range(cols):
            a, b, d, e = grid[r][c], grid[r][c + 1], grid[r + 1][c], grid[r + 1][c + 1]
            for triangle in ((a, b, e), (a, e, d)) if rng.random() < 0.5 else ((a, b, d), (b, e, d)):
                cx = sum(p[0] for p in triangle) / 3
                t = min(1.0, max(0.0, cx / W * 0.8 + rng.uniform(-0.2, 0.3)))
                color = tuple(round(lo + (hi - lo) * t) for lo, hi in zip(dark, light, strict=True))
                draw.polygon(triangle, fill=(*color, rng.randint(90, 200)), outline=_rgba(accents[2], 50))


def _chip(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    cx, cy, half = W / 2, H / 2, 300
    pins = 9
    for side in range(4):
        for i in range(pins):
            offset = -half + (i + 0.5) * (2 * half / pins)
            length = rng.uniform(120, 520)
            turn = rng.uniform(-260, 260)
            if side == 0:
                path = [(cx + offset, cy - half), (cx + offset, cy - half - length),
                        (cx + offset + turn, cy - half - length - 80)]
            elif side == 1:
                path = [(cx + offset, cy + half), (cx + offset, cy + half + length),
                        (cx + offset + turn, cy + half + length + 80)]
            elif side == 2:
                path = [(cx - half, cy + offset), (cx - half - length, cy + offset),
                        (cx - half - length - 140, cy + offset + turn)]
            else:
                path = [(cx + half, cy + offset), (cx + half + length, cy + offset),
                        (cx + half + length + 140, cy + offset + turn)]
            draw.line(path, fill=_rgba(accents[0], 200), width=8, joint="curve")
            _dot(draw, path[-1], 16, fill=_rgba(accents[1], 230))
    draw.rounded_rectangle((cx - half, cy - half, cx + half, cy + half), radius=40, fill=_rgba(accents[2], 245),
                           outline=_rgba(accents[0], 255), width=12)
    inner = half * 0.55
    draw.rounded_rectangle((cx - inner, cy - inner, cx + inner, cy + inner), radius=24,
                           outline=_rgba(accents[1], 220), width=8)
    for i in range(5):  # the die's cell pattern
        for j in range(5):
            x, y = cx - inner + (i + 0.5) * inner * 0.4, cy - inner + (j + 0.5) * inner * 0.4
            draw.rectangle((x - 18, y - 18, x + 18, y + 18), fill=_rgba(accents[1], rng.randint(60, 200)))


def _orbit(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    cx, cy = W * rng.uniform(0.45, 0.55), H * rng.uniform(0.45, 0.55)
    for radius in range(220, 0, -20):  # the glow
        _dot(draw, (cx, cy), radius, fill=_rgba(accents[2], int(30 + (220 - radius) * 0.6)))
    for i in range(6):
        rx, ry = rng.uniform(500, 1100), rng.uniform(120, 380)
        angle = rng.uniform(0, math.pi)
        cos, sin = math.cos(angle), math.sin(angle)

        def at(t: float, rx=rx, ry=ry, cos=cos, sin=sin) -> Point:
            x, y = rx * math.cos(t), ry * math.sin(t)
            return cx + x * cos - y * sin, cy + x * sin + y * cos

        ring = [at(k / 90 * math.tau) for k in range(91)]
        draw.line(ring, fill=_rgba(accents[i % 2], 150), width=5, joint="curve")
        for _ in range(3):
            _dot(draw, at(rng.uniform(0, math.tau)), rng.uniform(12, 26), fill=_rgba(accents[2], 240))


PATTERNS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random, tuple[str, ...]], None]] = {
    "network": _network, "blocks": _blocks, "chart": _chart, "bubbles": _bubbles, "waves": _waves,
    "grid": _grid, "rings": _rings, "shards": _shards, "chip": _chip, "orbit": _orbit,
}


def draw_image(spec: dict) -> bytes:
    """The JPEG bytes of one demo picture; the same spec always gives the same bytes."""
    rng = random.Random(spec["seed"])  # noqa: S311 - a repeatable picture, not a secret
    start, end = spec["colors"]
    picture = _gradient(start, end, rng.random()).convert("RGBA")
    overlay = PILImage.new("RGBA", (W, H), (0, 0, 0, 0))
    PATTERNS[spec["pattern"]](ImageDraw.Draw(overlay), rng, spec["accents"])
    overlay = overlay.resize((WIDTH, HEIGHT), PILImage.Resampling.LANCZOS)
    picture = PILImage.alpha_composite(picture, overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88, optimize=True)
    return buffer.getvalue()


# --- Loading -----------------------------------------------------------------------------


@dataclasses.dataclass
class DemoResult:
    sources_created: int = 0
    sources_skipped: int = 0
    images_created: int = 0
    images_reused: int = 0
    articles_created: int = 0
    articles_skipped: int = 0
    statuses: Counter = dataclasses.field(default_factory=Counter)

    def summary(self) -> str:
        text = (
            f"建立 {self.articles_created} 篇文章，略過 {self.articles_skipped} 篇已存在；"
            f"來源建立 {self.sources_created} 個，略過 {self.sources_skipped} 個；"
            f"圖片新增 {self.images_created} 張，沿用 {self.images_reused} 張。"
        )
        if self.statuses:
            counts = "、".join(
                f"{status.label} {self.statuses[status]}" for status in Article.Status if self.statuses[status]
            )
            text += f"（新文章：{counts}）"
        return text


def _source(spec: dict, result: DemoResult, log: Callable[[str], None]) -> Source:
    source = Source.objects.filter(name=spec["name"]).first()
    if source is not None:
        result.sources_skipped += 1
        log(f"  來源「{source.name}」已存在，略過")
        return source
    expires = None
    if spec.get("expires_in_days"):
        expires = timezone.localdate() + datetime.timedelta(days=spec["expires_in_days"])
    source = Source(
        name=spec["name"],
        kind=spec["kind"],
        homepage=spec["homepage"],
        copyright_notice=spec["copyright_notice"],
        reprint_permission=spec["permission"],
        permission_note=spec.get("permission_note", ""),
        permission_expires=expires,
    )
    source.full_clean()
    source.save()
    result.sources_created += 1
    log(f"  建立來源「{source.name}」（{source.get_reprint_permission_display()}）")
    return source


def _image(spec: dict, sources: dict[str, Source], result: DemoResult, log: Callable[[str], None]) -> Image:
    known = set(Image.objects.values_list("pk", flat=True))
    image = services.image_create(
        file=ContentFile(draw_image(spec), name=f"demo-{spec['key']}.jpg"),
        alt_text=spec["alt_text"],
        credit=spec["credit"],
        caption=spec["caption"],
        ai_generated=spec["ai_generated"],
        source=sources[spec["source"]] if spec["source"] else None,
    )
    if image.pk in known:
        result.images_reused += 1
    else:
        result.images_created += 1
        log(f"  新增圖片 {spec['key']}：{image.file.name}")
    return image


def _article(
    spec: dict,
    sources: dict[str, Source],
    images: dict[str, Image],
    now: datetime.datetime,
    result: DemoResult,
    log: Callable[[str], None],
) -> None:
    source = sources[spec["source"]]
    if Article.objects.filter(source=source, guid=spec["guid"]).exists():
        result.articles_skipped += 1
        return
    status = spec["status"]
    article = Article(
        title=spec["title"],
        summary=spec["summary"],
        body="\n".join(spec["body"]),
        language=spec["language"],
        author=spec["author"],
        source=source,
        guid=spec["guid"],
        original_source=sources[spec["original_source"]] if spec.get("original_source") else None,
        original_url=spec.get("original_url", ""),
        featured_image=images[spec["image"]] if spec.get("image") else None,
    )
    if status == "published":
        # A past publish_at is kept by article_publish; published_at follows it so the
        # "actually published" time is not the moment the demo was loaded.
        article.publish_at = article.published_at = now - datetime.timedelta(days=spec["days_ago"])
    services.article_save(article=article)
    article.tags.set(spec["tags"])
    if status == "published":
        services.article_publish(article=article, user=None)
    elif status == "scheduled":
        services.article_schedule(article=article, publish_at=now + datetime.timedelta(days=spec["days_ahead"]))
    elif status == "review":
        services.article_submit_for_review(article=article)
    result.articles_created += 1
    result.statuses[article.status] += 1
    log(f"  {spec['guid']} [{article.get_status_display()}] {article.title}")


@transaction.atomic
def load_demo(*, stdout=None) -> DemoResult:
    """Create the demo sources, images and articles that do not exist yet; return the counts.

    ``stdout`` (a file-like object, e.g. a command's ``self.stdout``) receives progress lines.
    """

    def log(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    result = DemoResult()
    now = timezone.now()
    log("來源：")
    sources = {spec["key"]: _source(spec, result, log) for spec in SOURCES}
    log("圖片：")
    images = {spec["key"]: _image(spec, sources, result, log) for spec in IMAGES}
    if not result.images_created:
        log(f"  {result.images_reused} 張圖片皆已存在，沿用")
    log("文章：")
    for spec in ARTICLES:
        _article(spec, sources, images, now, result, log)
    if result.articles_skipped:
        log(f"  {result.articles_skipped} 篇文章已存在，略過")
    return result


DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - local demo accounts only, created only with DEBUG on
DEMO_ACCOUNTS = (("editor", "editors", True), ("writer", "writers", False))


def ensure_demo_accounts() -> list[str]:
    """Create the local demo accounts (an editor and a writer) that do not exist yet; return their names."""
    from django.contrib.auth.models import Group, User

    created = []
    for username, group_name, superuser in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=True,
                                        is_superuser=superuser)
        user.groups.add(Group.objects.get(name=group_name))
        created.append(username)
    return created
