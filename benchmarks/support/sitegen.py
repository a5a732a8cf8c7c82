"""A deterministic news site for benchmarks: thousands of article pages with a real page weight.

``generate_site(root, pages, seed)`` writes article pages of 50 to 150 KB each (head with
meta, Open Graph and sometimes JSON-LD, inline CSS and scripts, a mega-menu, breadcrumb, the
article, related and most-read lists, comments, grids of other articles, sidebar widgets,
footer, cookie banner), a sitemap index with its sitemaps, ``robots.txt`` and the behaviour
table ``<root>.yaml`` read by ``crawler.demo.server``. Links carry the ``{BASE}`` placeholder
the server fills in.

The markup is shaped after the real pages of ``../shared/corpus`` (``corpussite.py`` serves
those): as many elements and layout ``<div>``s, as deep a tree, scripts and styles taking a
third of the bytes, and dates stated in meta tags, JSON-LD or ``<time>`` on some pages only.
Extraction costs follow the markup, not the byte count: pages that were mostly script, in a
shallow tree, cost bare trafilatura half of what real pages cost.

Article text comes from a word-bigram model of a short news text in each of six languages, so
it reads as prose to trafilatura and to a language detector without being copied verbatim.
The same ``seed`` always gives the same bytes.
"""

from __future__ import annotations

import copy
import html
import json
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

PLACEHOLDER = "{BASE}"  # replaced by the server's base URL (see crawler.demo.responder)
# Shape of the markup, between the two corpora's (aeb / daniel: a median 31% / 15% of the
# bytes in scripts and styles; dates in article:published_time on 47% / 3% of the pages, in
# JSON-LD on 64% / 0%, in <time datetime> on 38% / 2%).
_SCRIPT_SHARE = (0.10, 0.40)
_DATE_META_SHARE = 0.4  # pages stating their dates in article:*_time meta tags
_JSON_LD_SHARE = 0.4
_TIME_ELEMENT_SHARE = 0.6  # pages showing their date in <time datetime>, else as text only
# Share of a language's content words written as another in each article (ProseModel.variant).
_RENAMED_WORDS = 0.8
_STYLE_OR_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL)
MIN_PAGE_BYTES = 52_000  # 50 KiB and a little more
MAX_PAGE_BYTES = 148_000  # a little under 150 kB
URLS_PER_SITEMAP = 500
SITEMAP_INDEX_PATH = "/sitemap_index.xml"
SITE_NAME = "Climate Cooperation Daily"
_FIRST_DAY = datetime(2023, 1, 2, 6, 0, tzinfo=UTC)
_DAYS = 700

# Seed texts: one short news story per language. Chinese is written with spaces between
# words so the model samples words, not characters; the spaces are dropped on output.
_CORPORA: dict[str, str] = {
    "en": """
The European Commission announced on Tuesday a new package of measures to accelerate the
transition to renewable energy across the continent. Officials said the plan would mobilise
more than two hundred billion euros in public and private investment over the next decade. The
proposal includes stricter targets for energy efficiency in buildings, faster permits for wind
and solar projects, and support for households struggling with high heating bills.
Environmental groups welcomed the announcement but warned that the timeline remains too slow
to meet the goals agreed in Paris. Industry representatives, meanwhile, asked for clearer rules
on carbon pricing and for protection against cheaper imports from countries with weaker climate
policies. The debate is expected to continue when ministers meet in Brussels next month. In
China, the national carbon market recorded its highest trading volume since it was launched,
according to data published by the exchange in Shanghai. Analysts said the rise reflected
growing demand from power companies that must cover their emissions before the end of the
compliance period. The government has said it plans to extend the market to steel, cement and
aluminium producers within the next two years. Several provinces are also testing local schemes
for methane and for forestry credits. Experts noted that prices remain far below those in
Europe, which limits the incentive for companies to invest in cleaner technology. At the same
time, cities on both continents are working together on projects for clean transport, district
heating and the recovery of waste heat from industry. A delegation of mayors visited factories
and research centres last week to learn how the new systems work in practice. The visit ended
with the signing of a memorandum on the exchange of experts and data. Local residents told
reporters that they hoped the cooperation would bring new jobs and cleaner air to their region.
""",
    "fr": """
La Commission européenne a présenté mardi un nouveau paquet de mesures pour accélérer la
transition vers les énergies renouvelables sur tout le continent. Selon les responsables, le
plan devrait mobiliser plus de deux cents milliards d'euros d'investissements publics et privés
au cours de la prochaine décennie. La proposition prévoit des objectifs plus stricts pour
l'efficacité énergétique des bâtiments, des permis plus rapides pour les projets éoliens et
solaires, ainsi qu'un soutien aux ménages qui peinent à payer leurs factures de chauffage. Les
associations environnementales ont salué l'annonce, mais elles estiment que le calendrier reste
trop lent pour atteindre les objectifs fixés à Paris. Les représentants de l'industrie, de leur
côté, demandent des règles plus claires sur le prix du carbone et une protection contre les
importations moins chères. Le débat devrait se poursuivre lors de la réunion des ministres à
Bruxelles le mois prochain. En Chine, le marché national du carbone a enregistré son plus fort
volume d'échanges depuis son lancement, selon les données publiées par la bourse de Shanghai.
Les analystes expliquent cette hausse par la demande croissante des producteurs d'électricité,
qui doivent couvrir leurs émissions avant la fin de la période de conformité. Le gouvernement a
indiqué qu'il comptait étendre le marché à l'acier, au ciment et à l'aluminium dans les deux
prochaines années. Dans le même temps, des villes des deux continents travaillent ensemble sur
des projets de transport propre, de chauffage urbain et de récupération de la chaleur
industrielle. Une délégation de maires a visité la semaine dernière des usines et des centres
de recherche pour comprendre le fonctionnement de ces nouveaux systèmes. La visite s'est
terminée par la signature d'un protocole d'accord sur l'échange d'experts et de données. Les
habitants ont confié aux journalistes qu'ils espéraient que cette coopération apporterait de
nouveaux emplois et un air plus pur dans leur région.
""",
    "de": """
Die Europäische Kommission hat am Dienstag ein neues Maßnahmenpaket vorgestellt, das den
Umstieg auf erneuerbare Energien auf dem ganzen Kontinent beschleunigen soll. Nach Angaben von
Beamten soll der Plan in den kommenden zehn Jahren mehr als zweihundert Milliarden Euro an
öffentlichen und privaten Investitionen mobilisieren. Der Vorschlag sieht strengere Ziele für
die Energieeffizienz von Gebäuden, schnellere Genehmigungen für Wind- und Solarprojekte sowie
Hilfen für Haushalte vor, die unter hohen Heizkosten leiden. Umweltverbände begrüßten die
Ankündigung, warnten aber, dass der Zeitplan zu langsam sei, um die in Paris vereinbarten Ziele
zu erreichen. Vertreter der Industrie forderten dagegen klarere Regeln für den Kohlenstoffpreis
und einen Schutz vor billigeren Importen aus Ländern mit schwächerer Klimapolitik. Die Debatte
wird voraussichtlich fortgesetzt, wenn die Minister im nächsten Monat in Brüssel
zusammenkommen. In China verzeichnete der nationale Emissionshandel das höchste Handelsvolumen
seit seinem Start, wie aus Daten der Börse in Shanghai hervorgeht. Analysten führten den
Anstieg auf die wachsende Nachfrage der Stromkonzerne zurück, die ihre Emissionen vor dem Ende
der Abrechnungsperiode decken müssen. Die Regierung kündigte an, den Markt innerhalb der
nächsten zwei Jahre auf Stahl, Zement und Aluminium auszuweiten. Gleichzeitig arbeiten Städte
auf beiden Kontinenten gemeinsam an Projekten für sauberen Verkehr, Fernwärme und die Nutzung
industrieller Abwärme. Eine Delegation von Bürgermeistern besuchte in der vergangenen Woche
Fabriken und Forschungszentren, um zu sehen, wie die neuen Systeme in der Praxis funktionieren.
Der Besuch endete mit der Unterzeichnung einer Absichtserklärung über den Austausch von
Fachleuten und Daten. Anwohner sagten den Reportern, sie hofften, dass die Zusammenarbeit neue
Arbeitsplätze und sauberere Luft in ihre Region bringen werde.
""",
    "es": """
La Comisión Europea presentó el martes un nuevo paquete de medidas para acelerar la transición
hacia las energías renovables en todo el continente. Según los responsables, el plan movilizará
más de doscientos mil millones de euros en inversiones públicas y privadas durante la próxima
década. La propuesta incluye objetivos más estrictos de eficiencia energética en los edificios,
permisos más rápidos para los proyectos eólicos y solares, y ayudas para los hogares que tienen
dificultades para pagar la calefacción. Las organizaciones ecologistas celebraron el anuncio,
pero advirtieron de que el calendario sigue siendo demasiado lento para cumplir los objetivos
acordados en París. Los representantes de la industria, por su parte, pidieron normas más
claras sobre el precio del carbono y protección frente a las importaciones más baratas. Se
espera que el debate continúe cuando los ministros se reúnan en Bruselas el próximo mes. En
China, el mercado nacional de carbono registró su mayor volumen de negociación desde su
lanzamiento, según los datos publicados por la bolsa de Shanghái. Los analistas atribuyen el
aumento a la creciente demanda de las compañías eléctricas, que deben cubrir sus emisiones
antes del final del periodo de cumplimiento. El gobierno ha dicho que prevé ampliar el mercado
al acero, al cemento y al aluminio en los próximos dos años. Al mismo tiempo, ciudades de ambos
continentes trabajan juntas en proyectos de transporte limpio, calefacción urbana y
recuperación del calor residual de la industria. Una delegación de alcaldes visitó la semana
pasada fábricas y centros de investigación para conocer cómo funcionan los nuevos sistemas en
la práctica. La visita terminó con la firma de un memorando sobre el intercambio de expertos y
de datos. Los vecinos dijeron a los periodistas que esperan que la cooperación traiga nuevos
empleos y un aire más limpio a su región.
""",
    "pl": """
Komisja Europejska przedstawiła we wtorek nowy pakiet działań, który ma przyspieszyć przejście
na odnawialne źródła energii na całym kontynencie. Według urzędników plan pozwoli uruchomić
ponad dwieście miliardów euro inwestycji publicznych i prywatnych w ciągu najbliższej dekady.
Propozycja obejmuje ostrzejsze cele w zakresie efektywności energetycznej budynków, szybsze
pozwolenia dla projektów wiatrowych i słonecznych oraz wsparcie dla gospodarstw domowych, które
mają problem z opłaceniem rachunków za ogrzewanie. Organizacje ekologiczne z zadowoleniem
przyjęły zapowiedź, ale ostrzegły, że harmonogram jest wciąż zbyt powolny, aby osiągnąć cele
uzgodnione w Paryżu. Przedstawiciele przemysłu domagali się z kolei jaśniejszych zasad
dotyczących ceny emisji oraz ochrony przed tańszym importem. Debata ma być kontynuowana podczas
spotkania ministrów w Brukseli w przyszłym miesiącu. W Chinach krajowy rynek uprawnień do emisji
odnotował najwyższy wolumen obrotu od czasu jego uruchomienia, wynika z danych opublikowanych
przez giełdę w Szanghaju. Analitycy tłumaczą wzrost rosnącym popytem ze strony firm
energetycznych, które muszą pokryć swoje emisje przed końcem okresu rozliczeniowego. Rząd
zapowiedział, że w ciągu dwóch lat rozszerzy rynek na producentów stali, cementu i aluminium.
Jednocześnie miasta na obu kontynentach wspólnie pracują nad projektami czystego transportu,
ciepłownictwa miejskiego i odzysku ciepła odpadowego z przemysłu. Delegacja burmistrzów
odwiedziła w zeszłym tygodniu fabryki i ośrodki badawcze, aby zobaczyć, jak nowe systemy
działają w praktyce. Wizyta zakończyła się podpisaniem porozumienia o wymianie ekspertów i
danych. Mieszkańcy powiedzieli dziennikarzom, że liczą na to, iż współpraca przyniesie nowe
miejsca pracy i czystsze powietrze w ich regionie.
""",
    "zh": """
欧盟 委员会 周二 公布 了 一 揽子 新 措施 ， 以 加快 整个 欧洲 大陆 向 可再生 能源 的 转型 。
官员 表示 ， 该 计划 将 在 未来 十 年 内 带动 超过 两千亿 欧元 的 公共 和 私人 投资 。 这 项 提案
包括 更 严格 的 建筑 能效 目标 ， 更 快 的 风电 和 光伏 项目 审批 ， 以及 对 难以 支付 取暖 费用 的
家庭 的 补贴 。 环保 组织 对 这 一 宣布 表示 欢迎 ， 但 警告 说 ， 目前 的 时间表 仍然 太 慢 ，
难以 实现 巴黎 协定 的 目标 。 与此同时 ， 工业界 代表 要求 制定 更 明确 的 碳 定价 规则 ， 并
防范 来自 气候 政策 较 弱 国家 的 廉价 进口 。 预计 下 个 月 各国 部长 在 布鲁塞尔 会晤 时 ， 这
场 辩论 还 将 继续 。 在 中国 ， 全国 碳 市场 的 成交量 创下 启动 以来 的 新高 ， 上海 环境 能源
交易所 公布 的 数据 显示 了 这 一点 。 分析 人士 认为 ， 成交量 上升 反映 了 发电 企业 在 履约 期
结束 前 购买 配额 的 需求 不断 增长 。 政府 表示 ， 计划 在 未来 两 年 内 将 钢铁 、 水泥 和 电解铝
行业 纳入 碳 市场 。 多个 省份 也 在 试点 甲烷 和 林业 碳汇 的 地方 交易 机制 。 专家 指出 ， 国内
碳价 仍 远 低于 欧洲 ， 这 限制 了 企业 投资 清洁 技术 的 动力 。 与此同时 ， 两 个 大陆 的 城市
正在 合作 开展 清洁 交通 、 集中 供热 和 工业 余热 回收 等 项目 。 上周 ， 一 个 市长 代表团 参观
了 工厂 和 研究 中心 ， 了解 新 系统 的 实际 运行 情况 。 访问 结束 时 ， 双方 签署 了 关于 专家 和
数据 交流 的 谅解 备忘录 。 当地 居民 告诉 记者 ， 他们 希望 这 项 合作 能 为 当地 带来 新 的 就业
机会 和 更 清洁 的 空气 。
""",
}

# Share of pages per language (weights).
_LANGUAGE_WEIGHTS = {"en": 30, "zh": 20, "fr": 15, "de": 15, "es": 10, "pl": 10}
# Section slugs, shared by all languages; their labels are per language below.
_SECTIONS = (
    "climate",
    "energy",
    "markets",
    "policy",
    "cities",
    "transport",
    "industry",
    "science",
    "technology",
    "agriculture",
    "world",
    "opinion",
    "health",
    "culture",
    "sport",
    "travel",
)


@dataclass(frozen=True)
class _Interface:
    """The words of a page's furniture in one language."""

    sections: tuple[str, ...]  # labels, in the order of _SECTIONS
    labels: dict[str, str]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    date_format: str


_INTERFACES: dict[str, _Interface] = {
    "en": _Interface(
        (
            "Climate",
            "Energy",
            "Markets",
            "Policy",
            "Cities",
            "Transport",
            "Industry",
            "Science",
            "Technology",
            "Agriculture",
            "World",
            "Opinion",
            "Health",
            "Culture",
            "Sport",
            "Travel",
        ),
        {
            "home": "Home",
            "search": "Search",
            "subscribe": "Subscribe",
            "login": "Sign in",
            "related": "Related articles",
            "most_read": "Most read",
            "comments": "Comments",
            "reply": "Reply",
            "write": "Write a comment",
            "send": "Post comment",
            "share": "Share",
            "tags": "Topics",
            "by": "By",
            "updated": "Updated",
            "also": "Read also",
            "cookie": "We use cookies and similar technologies to measure traffic, personalise "
            "content and show relevant advertising. You can change your choice at any "
            "time in the privacy settings.",
            "accept": "Accept all",
            "reject": "Reject",
            "settings": "Privacy settings",
            "newsletter": "Newsletter",
            "newsletter_text": "The day's climate news in your inbox every morning.",
            "email": "Your e-mail address",
            "about": "About us",
            "services": "Services",
            "legal": "Legal",
            "follow": "Follow us",
            "privacy": "Privacy policy",
            "terms": "Terms of use",
            "imprint": "Imprint",
            "contact": "Contact",
            "advertise": "Advertise",
            "careers": "Careers",
            "rights": "All rights reserved.",
            "photo": "Photo",
            "ad": "Advertisement",
            "minutes": "min read",
        },
        ("James", "Emma", "Oliver", "Sophie", "Daniel", "Laura", "Thomas", "Hannah"),
        ("Walker", "Bennett", "Hughes", "Carter", "Morgan", "Foster", "Reid", "Patel"),
        "%d %B %Y, %H:%M",
    ),
    "fr": _Interface(
        (
            "Climat",
            "Énergie",
            "Marchés",
            "Politique",
            "Villes",
            "Transports",
            "Industrie",
            "Sciences",
            "Technologie",
            "Agriculture",
            "Monde",
            "Opinions",
            "Santé",
            "Culture",
            "Sport",
            "Voyages",
        ),
        {
            "home": "Accueil",
            "search": "Rechercher",
            "subscribe": "S'abonner",
            "login": "Se connecter",
            "related": "Sur le même sujet",
            "most_read": "Les plus lus",
            "comments": "Commentaires",
            "reply": "Répondre",
            "write": "Écrire un commentaire",
            "send": "Publier",
            "share": "Partager",
            "tags": "Thèmes",
            "by": "Par",
            "updated": "Mis à jour",
            "also": "À lire aussi",
            "cookie": "Nous utilisons des cookies et des technologies similaires pour mesurer "
            "l'audience, personnaliser les contenus et afficher des publicités "
            "pertinentes. Vous pouvez modifier votre choix à tout moment.",
            "accept": "Tout accepter",
            "reject": "Refuser",
            "settings": "Paramètres",
            "newsletter": "Lettre d'information",
            "newsletter_text": "L'actualité du climat chaque matin dans votre boîte.",
            "email": "Votre adresse e-mail",
            "about": "Qui sommes-nous",
            "services": "Services",
            "legal": "Informations légales",
            "follow": "Suivez-nous",
            "privacy": "Politique de confidentialité",
            "terms": "Conditions d'utilisation",
            "imprint": "Mentions légales",
            "contact": "Contact",
            "advertise": "Publicité",
            "careers": "Recrutement",
            "rights": "Tous droits réservés.",
            "photo": "Photo",
            "ad": "Publicité",
            "minutes": "min de lecture",
        },
        ("Camille", "Julien", "Claire", "Nicolas", "Élodie", "Mathieu", "Sophie", "Antoine"),
        ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux"),
        "%d/%m/%Y à %Hh%M",
    ),
    "de": _Interface(
        (
            "Klima",
            "Energie",
            "Märkte",
            "Politik",
            "Städte",
            "Verkehr",
            "Industrie",
            "Wissenschaft",
            "Technik",
            "Landwirtschaft",
            "Welt",
            "Meinung",
            "Gesundheit",
            "Kultur",
            "Sport",
            "Reisen",
        ),
        {
            "home": "Startseite",
            "search": "Suche",
            "subscribe": "Abonnieren",
            "login": "Anmelden",
            "related": "Mehr zum Thema",
            "most_read": "Meistgelesen",
            "comments": "Kommentare",
            "reply": "Antworten",
            "write": "Kommentar schreiben",
            "send": "Absenden",
            "share": "Teilen",
            "tags": "Themen",
            "by": "Von",
            "updated": "Aktualisiert",
            "also": "Lesen Sie auch",
            "cookie": "Wir verwenden Cookies und ähnliche Technologien, um die Reichweite zu "
            "messen, Inhalte zu personalisieren und passende Werbung anzuzeigen. Sie "
            "können Ihre Auswahl jederzeit ändern.",
            "accept": "Alle akzeptieren",
            "reject": "Ablehnen",
            "settings": "Einstellungen",
            "newsletter": "Newsletter",
            "newsletter_text": "Die wichtigsten Klimanachrichten jeden Morgen per E-Mail.",
            "email": "Ihre E-Mail-Adresse",
            "about": "Über uns",
            "services": "Service",
            "legal": "Rechtliches",
            "follow": "Folgen Sie uns",
            "privacy": "Datenschutz",
            "terms": "Nutzungsbedingungen",
            "imprint": "Impressum",
            "contact": "Kontakt",
            "advertise": "Werbung",
            "careers": "Karriere",
            "rights": "Alle Rechte vorbehalten.",
            "photo": "Foto",
            "ad": "Anzeige",
            "minutes": "Min. Lesezeit",
        },
        ("Lukas", "Anna", "Felix", "Julia", "Jonas", "Katrin", "Stefan", "Miriam"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner"),
        "%d.%m.%Y, %H:%M Uhr",
    ),
    "es": _Interface(
        (
            "Clima",
            "Energía",
            "Mercados",
            "Política",
            "Ciudades",
            "Transporte",
            "Industria",
            "Ciencia",
            "Tecnología",
            "Agricultura",
            "Mundo",
            "Opinión",
            "Salud",
            "Cultura",
            "Deportes",
            "Viajes",
        ),
        {
            "home": "Portada",
            "search": "Buscar",
            "subscribe": "Suscríbete",
            "login": "Iniciar sesión",
            "related": "Noticias relacionadas",
            "most_read": "Lo más leído",
            "comments": "Comentarios",
            "reply": "Responder",
            "write": "Escribe un comentario",
            "send": "Enviar",
            "share": "Compartir",
            "tags": "Temas",
            "by": "Por",
            "updated": "Actualizado",
            "also": "Lee también",
            "cookie": "Utilizamos cookies y tecnologías similares para medir la audiencia, "
            "personalizar el contenido y mostrar publicidad relevante. Puedes cambiar "
            "tu elección en cualquier momento.",
            "accept": "Aceptar todo",
            "reject": "Rechazar",
            "settings": "Configuración",
            "newsletter": "Boletín",
            "newsletter_text": "Las noticias del clima cada mañana en tu correo.",
            "email": "Tu correo electrónico",
            "about": "Quiénes somos",
            "services": "Servicios",
            "legal": "Aviso legal",
            "follow": "Síguenos",
            "privacy": "Política de privacidad",
            "terms": "Condiciones de uso",
            "imprint": "Créditos",
            "contact": "Contacto",
            "advertise": "Publicidad",
            "careers": "Trabaja con nosotros",
            "rights": "Todos los derechos reservados.",
            "photo": "Foto",
            "ad": "Publicidad",
            "minutes": "min de lectura",
        },
        ("Lucía", "Javier", "Carmen", "Diego", "Marta", "Pablo", "Elena", "Sergio"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro", "Torres"),
        "%d/%m/%Y - %H:%M",
    ),
    "pl": _Interface(
        (
            "Klimat",
            "Energia",
            "Rynki",
            "Polityka",
            "Miasta",
            "Transport",
            "Przemysł",
            "Nauka",
            "Technologie",
            "Rolnictwo",
            "Świat",
            "Opinie",
            "Zdrowie",
            "Kultura",
            "Sport",
            "Podróże",
        ),
        {
            "home": "Strona główna",
            "search": "Szukaj",
            "subscribe": "Subskrybuj",
            "login": "Zaloguj się",
            "related": "Czytaj także",
            "most_read": "Najczęściej czytane",
            "comments": "Komentarze",
            "reply": "Odpowiedz",
            "write": "Napisz komentarz",
            "send": "Wyślij",
            "share": "Udostępnij",
            "tags": "Tematy",
            "by": "Autor:",
            "updated": "Aktualizacja",
            "also": "Zobacz też",
            "cookie": "Używamy plików cookie i podobnych technologii, aby mierzyć ruch, "
            "dopasowywać treści i wyświetlać odpowiednie reklamy. Możesz zmienić swój "
            "wybór w dowolnym momencie.",
            "accept": "Akceptuję wszystkie",
            "reject": "Odrzuć",
            "settings": "Ustawienia",
            "newsletter": "Newsletter",
            "newsletter_text": "Najważniejsze wiadomości o klimacie każdego ranka.",
            "email": "Twój adres e-mail",
            "about": "O nas",
            "services": "Usługi",
            "legal": "Informacje prawne",
            "follow": "Obserwuj nas",
            "privacy": "Polityka prywatności",
            "terms": "Regulamin",
            "imprint": "Stopka redakcyjna",
            "contact": "Kontakt",
            "advertise": "Reklama",
            "careers": "Kariera",
            "rights": "Wszelkie prawa zastrzeżone.",
            "photo": "Fot.",
            "ad": "Reklama",
            "minutes": "min czytania",
        },
        ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Marcin", "Agnieszka", "Paweł"),
        (
            "Nowak",
            "Kowalski",
            "Wiśniewska",
            "Wójcik",
            "Kamińska",
            "Lewandowski",
            "Zielińska",
            "Szymański",
        ),
        "%d.%m.%Y %H:%M",
    ),
    "zh": _Interface(
        (
            "气候",
            "能源",
            "市场",
            "政策",
            "城市",
            "交通",
            "工业",
            "科学",
            "科技",
            "农业",
            "国际",
            "评论",
            "健康",
            "文化",
            "体育",
            "旅游",
        ),
        {
            "home": "首页",
            "search": "搜索",
            "subscribe": "订阅",
            "login": "登录",
            "related": "相关新闻",
            "most_read": "热门文章",
            "comments": "评论",
            "reply": "回复",
            "write": "发表评论",
            "send": "发表",
            "share": "分享",
            "tags": "关键词",
            "by": "作者：",
            "updated": "更新",
            "also": "延伸阅读",
            "cookie": "本网站使用 Cookie 及类似技术统计访问量、个性化内容并展示相关广告。"
            "您可以随时在隐私设置中更改您的选择。",
            "accept": "全部接受",
            "reject": "拒绝",
            "settings": "隐私设置",
            "newsletter": "新闻简报",
            "newsletter_text": "每天早上把气候新闻送到您的邮箱。",
            "email": "您的电子邮箱",
            "about": "关于我们",
            "services": "服务",
            "legal": "法律信息",
            "follow": "关注我们",
            "privacy": "隐私政策",
            "terms": "使用条款",
            "imprint": "版权声明",
            "contact": "联系我们",
            "advertise": "广告服务",
            "careers": "招聘信息",
            "rights": "版权所有。",
            "photo": "图片",
            "ad": "广告",
            "minutes": "分钟阅读",
        },
        ("伟", "芳", "娜", "敏", "静", "磊", "洋", "婷"),
        ("王", "李", "张", "刘", "陈", "杨", "黄", "赵"),
        "%Y年%m月%d日 %H:%M",
    ),
}


class ProseModel:
    """A word-bigram model of one language's seed text, sampling sentences that read as prose."""

    def __init__(self, corpus: str, *, chinese: bool = False) -> None:
        tokens = corpus.split()
        if len(tokens) < 50:
            raise ValueError("a seed text needs at least 50 words")
        self.chinese = chinese
        self.joiner = "" if chinese else " "
        self.follow: dict[str, list[str]] = defaultdict(list)
        for word, after in pairwise(tokens):
            self.follow[word].append(after)
        self.starts = [tokens[0]] + [after for word, after in pairwise(tokens) if self._ends(word)]

    def _ends(self, token: str) -> bool:
        return token == "。" if self.chinese else token.endswith(".")

    def variant(self, rng: random.Random) -> ProseModel:
        """The model with a random ``_RENAMED_WORDS`` of its content words (four letters or
        more; Chinese words of two characters or more) shuffled among themselves, for one
        article.

        Sampled from one short seed text, any two articles of a language shared a quarter to
        a half of their shingles, and half the articles of a spaced language
        were near-duplicates of another (Polish: all of them), so every write looked up and
        merged copies that a real site does not have. Renamed, two articles share about 1%
        of their shingles, and 0.04 to 0.6% of the pairs of a language a MinHash band (the
        corpus texts: 0.06% of their shingles, 0.02% of the pairs)."""
        words = sorted(set(self.follow) | {a for after in self.follow.values() for a in after})
        shortest = 2 if self.chinese else 4
        content = [w for w in words if len(w) >= shortest and not self._ends(w)]
        chosen = [w for w in content if rng.random() < _RENAMED_WORDS]
        renamed = dict(zip(chosen, rng.sample(chosen, len(chosen)), strict=True))
        model = copy.copy(self)
        model.follow = defaultdict(list)
        for word, after in self.follow.items():
            model.follow[renamed.get(word, word)].extend(renamed.get(a, a) for a in after)
        model.starts = [renamed.get(w, w) for w in self.starts]
        return model

    def sentence(self, rng: random.Random, min_words: int = 9, max_words: int = 34) -> str:
        words = [rng.choice(self.starts)]
        while not (self._ends(words[-1]) and len(words) >= min_words):
            if len(words) >= max_words:
                words[-1] = words[-1].rstrip(",;:")
                if self.chinese:
                    words.append("。")
                elif not self._ends(words[-1]):
                    words[-1] += "."
                break
            choices = self.follow.get(words[-1]) or self.starts
            word = rng.choice(choices)
            for _ in range(4):  # avoid ending a sentence before min_words
                if not self._ends(word) or len(words) + 1 >= min_words:
                    break
                word = rng.choice(choices)
            words.append(word)
        if self.chinese and words[0] in ("，", "、", "。"):
            words = words[1:]
        return self.joiner.join(words)

    def paragraph(self, rng: random.Random, sentences: int) -> str:
        return self.joiner.join(self.sentence(rng) for _ in range(sentences))

    def headline(self, rng: random.Random) -> str:
        text = self.sentence(rng, min_words=6, max_words=rng.randint(7, 13))
        return text.rstrip(".。,， ")


_MODELS = {code: ProseModel(text, chinese=code == "zh") for code, text in _CORPORA.items()}


@dataclass(frozen=True)
class PagePlan:
    """What is known about an article before it is rendered (other pages link to it)."""

    index: int
    language: str
    section: int
    title: str
    path: str
    published_at: datetime
    author: str


@dataclass(frozen=True)
class GeneratedSite:
    """A generated site: its root directory, behaviour table and article URL paths."""

    root: Path
    table: Path
    article_paths: tuple[str, ...]
    page_bytes: tuple[int, ...]

    @property
    def total_bytes(self) -> int:
        return sum(self.page_bytes)


def slugify(text: str, fallback: str = "news") -> str:
    """An ASCII URL slug of at most 60 characters (``fallback`` for scripts with no ASCII)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")
    return slug or fallback


def plan_pages(count: int, rng: random.Random) -> list[PagePlan]:
    """Titles, URLs, dates and authors of ``count`` articles, newest last."""
    languages = list(_LANGUAGE_WEIGHTS)
    weights = list(_LANGUAGE_WEIGHTS.values())
    minutes = sorted(rng.randrange(_DAYS * 24 * 60) for _ in range(count))
    plans = []
    for index, minute in enumerate(minutes):
        language = rng.choices(languages, weights)[0]
        ui = _INTERFACES[language]
        section = rng.randrange(12)
        title = _MODELS[language].headline(rng)
        published_at = _FIRST_DAY + timedelta(minutes=minute)
        author = (
            rng.choice(ui.last_names) + rng.choice(ui.first_names) + rng.choice(ui.first_names)
            if language == "zh"
            else f"{rng.choice(ui.first_names)} {rng.choice(ui.last_names)}"
        )
        path = (
            f"/{language}/{_SECTIONS[section]}/{published_at:%Y/%m/%d}/"
            f"{slugify(title)}-{100_000 + index}.html"
        )
        plans.append(PagePlan(index, language, section, title, path, published_at, author))
    return plans


def generate_site(root: Path, pages: int, seed: int = 2024) -> GeneratedSite:
    """Write ``pages`` articles, sitemaps, robots.txt and the behaviour table under ``root``.

    ``root`` must not exist yet (nothing is overwritten); the table goes to ``<root>.yaml``.
    """
    if pages < 1:
        raise ValueError(f"pages must be at least 1, got {pages}")
    root = new_site_root(root)
    rng = random.Random(seed)
    plans = plan_pages(pages, rng)
    sizes = []
    for plan in plans:
        page = render_page(plan, plans, random.Random(f"{seed}:{plan.index}")).encode("utf-8")
        file = root.joinpath(*plan.path.split("/")[1:])
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(page)
        sizes.append(len(page))
    newest_first = sorted(plans, key=lambda p: p.published_at, reverse=True)
    write_site_frame(
        root,
        [(p.path, p.published_at) for p in newest_first],
        "a generated benchmark site (benchmarks/support/sitegen.py)",
    )
    return GeneratedSite(root, table_path(root), tuple(p.path for p in plans), tuple(sizes))


def new_site_root(root: Path) -> Path:
    """``root`` as a Path; FileExistsError when it exists (a site never overwrites files)."""
    root = Path(root)
    if root.exists():
        raise FileExistsError(f"site root already exists: {root}")
    return root


def table_path(root: Path) -> Path:
    """Where the behaviour table of the site at ``root`` goes: ``<root>.yaml`` beside it."""
    return root.with_name(root.name + ".yaml")


def write_site_frame(
    root: Path, articles: Sequence[tuple[str, datetime | None]], what: str
) -> None:
    """Everything of a benchmark site but its article pages: sitemaps of ``articles`` (URL
    path and last modification, newest first) under a sitemap index, ``robots.txt`` naming it,
    and the behaviour table serving HTML and XML as UTF-8 (``what`` names the site in it)."""
    chunks = [articles[i : i + URLS_PER_SITEMAP] for i in range(0, len(articles), URLS_PER_SITEMAP)]
    (root / "sitemaps").mkdir(parents=True, exist_ok=True)
    entries = []
    for number, chunk in enumerate(chunks, start=1):
        urls = "".join(
            f"<url><loc>{PLACEHOLDER}{path}</loc>{_lastmod(modified)}"
            f"<changefreq>never</changefreq></url>\n"
            for path, modified in chunk
        )
        (root / "sitemaps" / f"articles-{number}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n",
            encoding="utf-8",
        )
        entries.append(
            f"<sitemap><loc>{PLACEHOLDER}/sitemaps/articles-{number}.xml</loc>"
            f"{_lastmod(chunk[0][1])}</sitemap>\n"
        )
    (root / SITEMAP_INDEX_PATH.lstrip("/")).write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{''.join(entries)}</sitemapindex>\n",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text(
        f"User-agent: *\nDisallow: /search\nDisallow: /account/\n\n"
        f"Sitemap: {PLACEHOLDER}{SITEMAP_INDEX_PATH}\n",
        encoding="utf-8",
    )
    table_path(root).write_text(
        f"# Behaviour table of {what}.\n"
        "content_types:\n"
        '  .html: "text/html; charset=utf-8"\n'
        '  .xml: "application/xml; charset=utf-8"\n',
        encoding="utf-8",
    )


def _lastmod(modified: datetime | None) -> str:
    return "" if modified is None else f"<lastmod>{modified:%Y-%m-%dT%H:%M:%S+00:00}</lastmod>"


# --- one page ----------------------------------------------------------------------------


def render_page(plan: PagePlan, plans: Sequence[PagePlan], rng: random.Random) -> str:
    """The HTML of one article page, between MIN_PAGE_BYTES and MAX_PAGE_BYTES in UTF-8.

    The markup is shaped like the corpus pages' (see ``corpussite.py``): a CMS's nesting of
    layout ``<div>``s around every block, card grids of other articles filling the page, and
    scripts and styles taking 10 to 40% of its bytes rather than most of them.
    """
    ui = _INTERFACES[plan.language]
    model = _MODELS[plan.language].variant(rng)
    same_language = [p for p in plans if p.language == plan.language and p is not plan]
    others = same_language or [p for p in plans if p is not plan]
    related = rng.sample(others, min(len(others), rng.randint(6, 12)))
    most_read = rng.sample(others, min(len(others), 10))
    paragraphs = [model.paragraph(rng, rng.randint(2, 6)) for _ in range(rng.randint(4, 15))]
    lead = model.sentence(rng, min_words=14, max_words=30)
    target = rng.randint(MIN_PAGE_BYTES + 3_000, MAX_PAGE_BYTES - 3_000)
    script_bytes = int(target * rng.uniform(*_SCRIPT_SHARE))

    head = _head(plan, ui, lead, paragraphs, rng)
    state = _state_script(plan, lead, paragraphs, related, rng)
    top = "".join(
        (
            _cookie_banner(ui),
            '<div id="app" class="site">',
            _header(plan, ui, rng),
            '<div class="container site__content"><div class="row">'
            '<div class="col col--main"><main id="main" class="layout__main">',
            _breadcrumb(plan, ui),
            _article(plan, ui, model, lead, paragraphs, related, rng),
            _related(related, ui),
            _comments(ui, model, rng),
        )
    )
    middle = "".join(
        (
            "</main></div>",
            '<div class="col col--aside">',
            _sidebar(most_read, ui, rng),
            "</div></div></div>",
        )
    )
    bottom = "".join(
        (
            _footer(ui, rng),
            "</div>",
        )
    )
    fixed = sum(len(part.encode()) for part in (head, state, top, middle, bottom)) + 200
    scripts_so_far = sum(len(m.group().encode()) for m in _STYLE_OR_SCRIPT.finditer(head + state))
    bundle = _bundle_script(rng, max(2_000, script_bytes - scripts_so_far))
    grids = _more_news(plan, others, ui, rng, target - fixed - len(bundle.encode()))
    body = top + grids + middle + bottom
    page = (
        f'<!DOCTYPE html>\n<html lang="{plan.language}" class="no-js">\n{head}\n'
        f'<body class="article-page section-{_SECTIONS[plan.section]}">\n{body}\n'
        f"{state}\n{bundle}\n</body>\n</html>\n"
    )
    size = len(page.encode())
    if not MIN_PAGE_BYTES <= size <= MAX_PAGE_BYTES:
        raise AssertionError(f"page {plan.path} is {size} bytes, outside the planned weight")
    return page


def _url(path: str) -> str:
    return PLACEHOLDER + path


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _head(
    plan: PagePlan, ui: _Interface, lead: str, paragraphs: list[str], rng: random.Random
) -> str:
    section = ui.sections[plan.section]
    published = plan.published_at.isoformat()
    modified = (plan.published_at + timedelta(minutes=rng.randint(5, 600))).isoformat()
    image = _url(f"/media/{plan.published_at:%Y/%m}/{100_000 + plan.index}-1200x675.jpg")
    keywords = ", ".join(rng.sample(ui.sections, 4))
    parts = [
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(plan.title)} | {section} | {SITE_NAME}</title>",
        f'<meta name="description" content="{_e(lead)}">',
        f'<meta name="keywords" content="{_e(keywords)}">',
        f'<meta name="author" content="{_e(plan.author)}">',
        '<meta name="robots" content="index, follow, max-image-preview:large">',
        f'<link rel="canonical" href="{_url(plan.path)}">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{_e(plan.title)}">',
        f'<meta property="og:description" content="{_e(lead)}">',
        f'<meta property="og:url" content="{_url(plan.path)}">',
        f'<meta property="og:image" content="{image}">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="675">',
        f'<meta property="og:locale" content="{plan.language}">',
        f'<meta property="article:section" content="{_e(section)}">',
        '<meta name="twitter:card" content="summary_large_image">',
        '<meta name="twitter:site" content="@climatecoopdaily">',
        f'<meta name="twitter:title" content="{_e(plan.title)}">',
        f'<meta name="twitter:image" content="{image}">',
        '<link rel="icon" href="/favicon.ico" sizes="any">',
        '<link rel="apple-touch-icon" href="/apple-touch-icon.png">',
        '<link rel="preconnect" href="https://cdn.climatecoop.example" crossorigin>',
        '<link rel="preload" href="https://cdn.climatecoop.example/fonts/source-serif.woff2" '
        'as="font" type="font/woff2" crossorigin>',
        '<link rel="stylesheet" href="https://cdn.climatecoop.example/css/main.4f1c9e.css">',
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" '
        f'href="{_url("/rss.xml")}">',
    ]
    if rng.random() < _DATE_META_SHARE:
        parts += [
            f'<meta property="article:published_time" content="{published}">',
            f'<meta property="article:modified_time" content="{modified}">',
        ]
    parts += [
        f'<link rel="alternate" hreflang="{code}" href="{_url("/" + code + "/")}">'
        for code in _INTERFACES
    ]
    parts.append(f"<style>{_stylesheet(rng)}</style>")
    parts.append(_analytics_script(plan, rng))
    parts.append(_ads_config_script(plan, rng))
    if rng.random() < _JSON_LD_SHARE:
        parts.append(_json_ld(plan, ui, lead, image, published, modified, paragraphs))
    parts.append("</head>")
    return "\n".join(parts)


def _json_ld(
    plan: PagePlan,
    ui: _Interface,
    lead: str,
    image: str,
    published: str,
    modified: str,
    paragraphs: list[str],
) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": _url(plan.path)},
        "headline": plan.title,
        "description": lead,
        "image": [image],
        "datePublished": published,
        "dateModified": modified,
        "inLanguage": plan.language,
        "articleSection": ui.sections[plan.section],
        "wordCount": sum(len(p.split()) for p in paragraphs),
        "author": [
            {
                "@type": "Person",
                "name": plan.author,
                "url": _url(f"/authors/{slugify(plan.author, 'author')}"),
            }
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": SITE_NAME,
            "logo": {
                "@type": "ImageObject",
                "url": _url("/static/logo-600x60.png"),
                "width": 600,
                "height": 60,
            },
        },
    }
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


_CSS_PROPERTIES = (
    ("margin", ("0", "0 auto", "1rem 0", "0 0 .5rem", "2rem 0 1rem")),
    ("padding", ("0", ".25rem .5rem", "1rem", "0 1rem", ".75rem 1.25rem")),
    ("display", ("block", "flex", "grid", "inline-block", "none")),
    ("color", ("#111", "#222", "#555", "#0a5c36", "#b00020", "#fff")),
    ("background", ("#fff", "#f5f5f2", "#0a5c36", "transparent", "#eef4f1")),
    ("font-size", (".75rem", ".875rem", "1rem", "1.125rem", "1.5rem", "2.25rem")),
    ("line-height", ("1.2", "1.4", "1.6", "1.75")),
    ("font-weight", ("400", "600", "700")),
    ("border-bottom", ("1px solid #ddd", "2px solid #0a5c36", "0")),
    ("gap", (".5rem", "1rem", "1.5rem")),
    ("grid-template-columns", ("repeat(auto-fill,minmax(240px,1fr))", "2fr 1fr", "1fr")),
    ("text-decoration", ("none", "underline")),
    ("transition", ("color .2s ease", "opacity .3s", "transform .2s ease-out")),
    ("max-width", ("1200px", "720px", "100%")),
)
_CSS_BLOCKS = (
    "header",
    "nav",
    "menu",
    "article",
    "teaser",
    "related",
    "comments",
    "footer",
    "cookie",
    "sidebar",
    "breadcrumb",
    "share",
    "newsletter",
    "ad-slot",
    "byline",
    "figure",
    "tags",
)
_CSS_ELEMENTS = ("item", "link", "title", "list", "icon", "meta", "body", "image", "label")
_CSS_MODIFIERS = ("active", "large", "compact", "dark", "open", "hidden", "featured")


def _stylesheet(rng: random.Random) -> str:
    rules = []
    for _ in range(rng.randint(90, 200)):
        block = rng.choice(_CSS_BLOCKS)
        selector = f".{block}__{rng.choice(_CSS_ELEMENTS)}"
        if rng.random() < 0.3:
            selector += f"--{rng.choice(_CSS_MODIFIERS)}"
        if rng.random() < 0.2:
            selector += rng.choice((":hover", ":focus", " a", " > li", "::before"))
        declarations = ";".join(
            f"{name}:{rng.choice(values)}"
            for name, values in rng.sample(_CSS_PROPERTIES, rng.randint(2, 6))
        )
        rules.append(f"{selector}{{{declarations}}}")
        if rng.random() < 0.08:
            rules.append(f"@media (max-width:{rng.choice((480, 768, 1024))}px){{{rules[-1]}}}")
    return "".join(rules)


def _analytics_script(plan: PagePlan, rng: random.Random) -> str:
    tag = f"G-{rng.randrange(16**8):08X}"
    return (
        f'<script async src="https://www.googletagmanager.com/gtag/js?id={tag}"></script>\n'
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push("
        "arguments);}gtag('js',new Date());"
        f"gtag('config','{tag}',{{page_path:location.pathname,content_group:"
        f"'{_SECTIONS[plan.section]}',article_id:'{100_000 + plan.index}',language:"
        f"'{plan.language}',anonymize_ip:true}});"
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),"
        "event:'gtm.js'});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!="
        "'dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js"
        f"?id='+i+dl;f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer',"
        f"'GTM-{rng.randrange(16**6):06X}');</script>"
    )


def _ads_config_script(plan: PagePlan, rng: random.Random) -> str:
    slots = {
        f"slot-{name}": {
            "sizes": rng.sample([[300, 250], [728, 90], [970, 250], [320, 50], [300, 600]], 2),
            "lazy": name not in ("top", "sky"),
            "targeting": {
                "pos": name,
                "sec": _SECTIONS[plan.section],
                "kw": rng.sample(_SECTIONS, 3),
            },
        }
        for name in ("top", "sky", "mid1", "mid2", "bottom", "sticky")
    }
    config = {
        "network": f"/{rng.randrange(10**8)}/climatecoop",
        "consentRequired": True,
        "refreshSeconds": rng.choice((30, 45, 60)),
        "slots": slots,
        "bidders": [
            {"bidder": name, "params": {"placementId": rng.randrange(10**7, 10**8)}}
            for name in ("appnexus", "rubicon", "ix", "pubmatic", "criteo")
        ],
    }
    return (
        "<script>window.__ADS__=" + json.dumps(config, separators=(",", ":")) + ";"
        "(function(){var q=window.googletag=window.googletag||{cmd:[]};q.cmd.push(function(){"
        "Object.keys(window.__ADS__.slots).forEach(function(id){var s=window.__ADS__.slots[id];"
        "var el=document.getElementById(id);if(!el)return;var slot=googletag.defineSlot("
        "window.__ADS__.network,s.sizes,id);Object.keys(s.targeting).forEach(function(k){"
        "slot.setTargeting(k,s.targeting[k]);});slot.addService(googletag.pubads());});"
        "googletag.pubads().enableSingleRequest();googletag.enableServices();});})();</script>"
    )


def _cookie_banner(ui: _Interface) -> str:
    return (
        '<div id="cookie-consent" class="cookie" role="dialog" aria-live="polite" '
        'aria-label="cookies" hidden>'
        f'<div class="cookie__body"><p class="cookie__text">{_e(ui.labels["cookie"])} '
        f'<a href="{_url("/privacy")}">{_e(ui.labels["privacy"])}</a></p>'
        '<div class="cookie__actions">'
        f'<button type="button" class="cookie__button" data-consent="all">'
        f"{_e(ui.labels['accept'])}</button>"
        f'<button type="button" class="cookie__button" data-consent="none">'
        f"{_e(ui.labels['reject'])}</button>"
        f'<button type="button" class="cookie__link" data-consent="settings">'
        f"{_e(ui.labels['settings'])}</button>"
        "</div></div></div>"
    )


_SVG_ICONS = {
    "search": "M15.5 14h-.79l-.28-.27A6.47 6.47 0 0 0 16 9.5 6.5 6.5 0 1 0 9.5 16c1.61 0 "
    "3.09-.59 4.23-1.57l.27.28v.79l5 4.99L20.49 19l-4.99-5zm-6 0C7.01 14 5 11.99 5 "
    "9.5S7.01 5 9.5 5 14 7.01 14 9.5 11.99 14 9.5 14z",
    "menu": "M3 18h18v-2H3v2zm0-5h18v-2H3v2zm0-7v2h18V6H3z",
    "facebook": "M22 12a10 10 0 1 0-11.56 9.88v-6.99H7.9V12h2.54V9.8c0-2.5 1.49-3.89 "
    "3.78-3.89 1.09 0 2.24.2 2.24.2v2.46h-1.26c-1.24 0-1.63.77-1.63 1.56V12h2.78"
    "l-.44 2.89h-2.34v6.99A10 10 0 0 0 22 12z",
    "x": "M18.24 2.25h3.31l-7.23 8.26 8.5 11.24h-6.66l-5.21-6.82-5.97 6.82H1.68l7.73-8.84"
    "L1.25 2.25h6.83l4.71 6.23 5.45-6.23zm-1.16 17.52h1.83L7.08 4.13H5.12z",
    "linkedin": "M20.45 20.45h-3.55v-5.57c0-1.33-.03-3.04-1.85-3.04-1.85 0-2.14 1.45-2.14 "
    "2.94v5.67H9.35V9h3.41v1.56h.05c.48-.9 1.64-1.85 3.37-1.85 3.6 0 4.27 2.37 "
    "4.27 5.46v6.28zM5.34 7.43a2.06 2.06 0 1 1 0-4.12 2.06 2.06 0 0 1 0 4.12zM7.12 "
    "20.45H3.56V9h3.56v11.45z",
    "mail": "M20 4H4c-1.1 0-2 .9-2 2v12c0 1.1.9 2 2 2h16c1.1 0 2-.9 2-2V6c0-1.1-.9-2-2-2zm0 "
    "4-8 5-8-5V6l8 5 8-5v2z",
}


def _icon(name: str) -> str:
    return (
        f'<svg class="icon icon--{name}" viewBox="0 0 24 24" width="20" height="20" '
        f'aria-hidden="true" focusable="false"><path d="{_SVG_ICONS[name]}"/></svg>'
    )


def _header(plan: PagePlan, ui: _Interface, rng: random.Random) -> str:
    lang = plan.language
    menu = []
    for number, label in enumerate(ui.sections[:12]):
        slug = _SECTIONS[number]
        subsections = rng.sample(range(len(_SECTIONS)), 4)
        sub = "".join(
            f'<li class="menu__item"><a class="menu__link" '
            f'href="{_url(f"/{lang}/{slug}/{_SECTIONS[s]}/")}">{_e(ui.sections[s])}</a></li>'
            for s in subsections
        )
        active = " menu__item--active" if number == plan.section else ""
        menu.append(
            f'<li class="menu__item{active}"><a class="menu__link" '
            f'href="{_url(f"/{lang}/{slug}/")}">{_e(label)}</a>'
            f'<div class="menu__panel" hidden><ul class="menu__list">{sub}</ul>'
            f'<span class="menu__promo-label">{_e(label)}</span></div></li>'
        )
    languages = "".join(
        f'<li><a href="{_url(f"/{code}/")}" hreflang="{code}" lang="{code}">{code.upper()}</a></li>'
        for code in _INTERFACES
    )
    return (
        '<a class="skip-link" href="#main">Skip to content</a>'
        '<header class="header" role="banner"><div class="header__top"><div class="container">'
        '<div class="header__row">'
        f'<div class="header__cell"><ul class="header__languages">{languages}</ul></div>'
        '<div class="header__cell header__cell--end">'
        f'<a class="header__link" href="{_url("/account/login")}">{_e(ui.labels["login"])}</a>'
        f'<a class="header__link header__link--featured" href="{_url("/subscribe")}">'
        f"{_e(ui.labels['subscribe'])}</a></div></div></div></div>"
        '<div class="header__main"><div class="container"><div class="header__brand">'
        f'<div class="header__logo-wrap"><a href="{_url(f"/{lang}/")}" class="header__logo">'
        f'<img src="{_url("/static/logo.svg")}" alt="{SITE_NAME}" width="260" height="40">'
        "</a></div>"
        '<div class="header__tools">'
        f'<button class="header__menu" aria-expanded="false">{_icon("menu")}</button>'
        f'<form class="header__search" action="{_url("/search")}" method="get" role="search">'
        f'<div class="header__search-field"><input type="search" name="q" '
        f'placeholder="{_e(ui.labels["search"])}"></div>'
        f'<button type="submit">{_icon("search")}</button></form></div></div></div></div>'
        f'<nav class="nav header__nav" aria-label="main"><ul class="menu__list">{"".join(menu)}'
        "</ul></nav></header>"
    )


def _breadcrumb(plan: PagePlan, ui: _Interface) -> str:
    lang, slug = plan.language, _SECTIONS[plan.section]
    return (
        '<nav class="breadcrumb" aria-label="breadcrumb"><ol class="breadcrumb__list">'
        f'<li class="breadcrumb__item"><a href="{_url(f"/{lang}/")}">{_e(ui.labels["home"])}'
        "</a></li>"
        f'<li class="breadcrumb__item"><a href="{_url(f"/{lang}/{slug}/")}">'
        f"{_e(ui.sections[plan.section])}</a></li>"
        f'<li class="breadcrumb__item" aria-current="page">{_e(plan.title)}</li></ol></nav>'
    )


def _article(
    plan: PagePlan,
    ui: _Interface,
    model: ProseModel,
    lead: str,
    paragraphs: list[str],
    related: list[PagePlan],
    rng: random.Random,
) -> str:
    when = plan.published_at
    image = _url(f"/media/{when:%Y/%m}/{100_000 + plan.index}")
    words = sum(len(p) // (2 if plan.language == "zh" else 6) for p in paragraphs)
    body = []
    subheading_at = rng.randrange(2, len(paragraphs)) if len(paragraphs) > 5 else -1
    quote_at = rng.randrange(1, len(paragraphs))
    ad_at = min(2, len(paragraphs) - 1)
    also_at = min(4, len(paragraphs) - 1)
    for number, text in enumerate(paragraphs):
        if number == subheading_at:
            body.append(f'<h2 class="article__subheading">{_e(model.headline(rng))}</h2>')
        body.append(f"<p>{_e(text)}</p>")
        if number == quote_at:
            body.append(
                f'<blockquote class="article__quote"><p>{_e(model.sentence(rng))}</p></blockquote>'
            )
        if number == ad_at:
            body.append(_ad_slot("mid1", ui))
        if number == also_at and related:
            other = related[0]
            body.append(
                f'<aside class="teaser teaser--inline"><div class="teaser__inner">'
                f'<span class="teaser__label">{_e(ui.labels["also"])}</span> '
                f'<div class="teaser__body"><a class="teaser__link" '
                f'href="{_url(other.path)}">{_e(other.title)}</a></div></div></aside>'
            )
    tags = "".join(
        f'<li><a class="tags__link" href="{_url(f"/{plan.language}/topic/{_SECTIONS[t]}/")}">'
        f"{_e(ui.sections[t])}</a></li>"
        for t in rng.sample(range(len(_SECTIONS)), rng.randint(3, 6))
    )
    share = "".join(
        f'<li><a class="share__link share__link--{name}" href="https://share.example/{name}?u='
        f'{_url(plan.path)}" rel="noopener" target="_blank">{_icon(name)}</a></li>'
        for name in ("facebook", "x", "linkedin", "mail")
    )
    author_url = _url(f"/authors/{slugify(plan.author, 'author')}")
    shown = when.strftime(ui.date_format)
    date = (
        f'<time class="byline__date" datetime="{when.isoformat()}" itemprop="datePublished">'
        f"{shown}</time>"
        if rng.random() < _TIME_ELEMENT_SHARE
        else f'<span class="byline__date">{shown}</span>'
    )
    return (
        '<article class="article" itemscope itemtype="https://schema.org/NewsArticle">'
        '<header class="article__header">'
        f'<a class="article__kicker" href="{_url(f"/{plan.language}/{_SECTIONS[plan.section]}/")}">'
        f"{_e(ui.sections[plan.section])}</a>"
        f'<h1 class="article__title" itemprop="headline">{_e(plan.title)}</h1>'
        f'<p class="article__lead" itemprop="description">{_e(lead)}</p>'
        f'<div class="byline"><div class="byline__avatar"><img src="{author_url}.jpg" alt="" '
        f'width="48" height="48"></div><div class="byline__text">'
        f'<div class="byline__author">{_e(ui.labels["by"])} '
        f'<a rel="author" href="{author_url}">{_e(plan.author)}</a></div>'
        f'<div class="byline__meta">{date} '
        f'<span class="byline__reading">{max(1, words // 200)} {_e(ui.labels["minutes"])}'
        "</span></div></div></div>"
        '<div class="article__media"><figure class="figure">'
        f'<img class="figure__image" src="{image}-1200x675.jpg" srcset="{image}-480x270.jpg '
        f'480w, {image}-800x450.jpg 800w, {image}-1200x675.jpg 1200w" sizes="(max-width: '
        f'768px) 100vw, 720px" alt="{_e(plan.title)}" width="1200" height="675" loading="eager">'
        f'<figcaption class="figure__caption">{_e(model.headline(rng))}. '
        f'<span class="figure__credit">{_e(ui.labels["photo"])}: {_e(plan.author)}</span>'
        "</figcaption></figure></div></header>"
        '<div class="article__content"><div class="article__body" itemprop="articleBody">'
        f'<div class="rich-text">{"".join(body)}</div></div></div>'
        '<footer class="article__footer"><div class="article__footer-inner">'
        f'<div class="tags"><span class="tags__label">{_e(ui.labels["tags"])}</span>'
        f'<ul class="tags__list">{tags}</ul></div>'
        f'<div class="share"><span class="share__label">{_e(ui.labels["share"])}</span>'
        f'<ul class="share__list">{share}</ul></div></div></footer></article>'
    )


def _ad_slot(name: str, ui: _Interface) -> str:
    return (
        f'<div class="ad-slot ad-slot--{name}" data-ad-slot="{name}"><div class="ad-slot__inner">'
        f'<span class="ad-slot__label">{_e(ui.labels["ad"])}</span>'
        f'<div class="ad-slot__container" id="slot-{name}"><div class="ad-slot__frame"></div>'
        "</div></div></div>"
    )


def _card(plan: PagePlan, ui: _Interface, kind: str) -> str:
    """One other article as a card: picture, kicker, title and date, each in its own box."""
    when = plan.published_at
    image = _url(f"/media/{when:%Y/%m}/{100_000 + plan.index}")
    section = _SECTIONS[plan.section]
    return (
        f'<div class="card card--{kind} flex flex-col gap-2 overflow-hidden rounded-md" '
        f'data-id="{100_000 + plan.index}" data-track=\'{{"event":"teaser_click","list":'
        f'"{kind}","position":{plan.index % 24},"section":"{section}"}}\'>'
        '<div class="card__media relative aspect-video w-full">'
        f'<a class="card__image-link block" href="{_url(plan.path)}" tabindex="-1" '
        'aria-hidden="true"><picture class="card__picture">'
        f'<source type="image/webp" srcset="{image}.webp?w=320&amp;q=75&amp;fit=crop 320w, '
        f'{image}.webp?w=640&amp;q=75&amp;fit=crop 640w" sizes="(max-width: 768px) 50vw, 320px">'
        f'<img class="card__image h-full w-full object-cover" src="{image}.jpg?w=320&amp;q=75" '
        'alt="" width="320" height="180" loading="lazy" decoding="async"></picture></a></div>'
        '<div class="card__content flex flex-1 flex-col px-3 pb-3">'
        f'<a class="card__kicker text-xs font-semibold uppercase tracking-wide" '
        f'href="{_url(f"/{plan.language}/{section}/")}">{_e(ui.sections[plan.section])}</a>'
        f'<h3 class="card__title text-base font-bold leading-snug">'
        f'<a class="card__link hover:underline" href="{_url(plan.path)}">{_e(plan.title)}</a>'
        f'</h3><span class="card__meta text-xs text-gray-500">{when.strftime(ui.date_format)}'
        "</span></div></div>"
    )


def _related(related: list[PagePlan], ui: _Interface) -> str:
    items = "".join(f'<li class="related__item">{_card(p, ui, "related")}</li>' for p in related)
    return (
        '<section class="related" aria-labelledby="related-title"><div class="section__header">'
        f'<h2 id="related-title" class="related__title">{_e(ui.labels["related"])}</h2></div>'
        f'<div class="section__body"><ul class="related__list">{items}</ul></div></section>'
    )


def _more_news(
    plan: PagePlan, others: Sequence[PagePlan], ui: _Interface, rng: random.Random, budget: int
) -> str:
    """Grids of cards of other articles, one section after another, filling ``budget`` bytes
    (give or take a card): what a news page carries below its article."""
    grids: list[str] = []
    used = 0
    while used < budget - 1_500:
        section = rng.randrange(len(_SECTIONS))
        head = (
            f'<section class="grid grid--{_SECTIONS[section]}"><div class="section__header">'
            f'<h2 class="grid__title"><a href="{_url(f"/{plan.language}/{_SECTIONS[section]}/")}">'
            f"{_e(ui.sections[section])}</a></h2></div>"
        )
        cards, size = [], len(head.encode()) + 40
        for other in rng.sample(others, min(len(others), rng.randint(4, 12))):
            card = _card(other, ui, "grid")
            if used + size + len(card.encode()) > budget:
                break
            cards.append(card)
            size += len(card.encode())
        if not cards:
            break
        grids.append(head + "".join(cards) + "</section>")
        used += size
    return "".join(grids)


def _comments(ui: _Interface, model: ProseModel, rng: random.Random) -> str:
    items = []
    for number in range(rng.choice((0, 0, 3, 5, 8, 12, 18, 25))):
        nick = f"{rng.choice(ui.first_names)}{rng.randrange(10, 9999)}"
        text = model.joiner.join(model.sentence(rng, 5, 22) for _ in range(rng.randint(1, 3)))
        reply = " comments__item--reply" if number and rng.random() < 0.3 else ""
        items.append(
            f'<li class="comments__item{reply}" id="c{rng.randrange(10**7)}">'
            '<div class="comments__card">'
            f'<div class="comments__meta"><span class="comments__author">{_e(nick)}</span> '
            f'<span class="comments__time">{rng.randint(1, 23)} h</span></div>'
            f'<p class="comments__body">{_e(text)}</p>'
            f'<button class="comments__reply" type="button">{_e(ui.labels["reply"])}</button>'
            f'<span class="comments__votes">▲ {rng.randrange(60)} ▼ {rng.randrange(20)}</span>'
            "</div></li>"
        )
    return (
        '<section class="comments" id="comments">'
        f'<h2 class="comments__title">{_e(ui.labels["comments"])} ({len(items)})</h2>'
        f'<form class="comments__form" action="{_url("/comments/post")}" method="post">'
        f'<textarea name="body" placeholder="{_e(ui.labels["write"])}"></textarea>'
        f'<button type="submit">{_e(ui.labels["send"])}</button></form>'
        f'<ol class="comments__list">{"".join(items)}</ol></section>'
    )


def _sidebar(most_read: list[PagePlan], ui: _Interface, rng: random.Random) -> str:
    items = "".join(
        f'<li class="most-read__item"><span class="most-read__rank">{rank}</span>'
        f'<a class="most-read__link" href="{_url(p.path)}">{_e(p.title)}</a></li>'
        for rank, p in enumerate(most_read, start=1)
    )
    return (
        '<aside class="sidebar layout__aside"><div class="sidebar__inner">'
        f'<div class="widget widget--ad">{_ad_slot("sky", ui)}</div>'
        '<div class="widget"><section class="most-read"><div class="widget__header">'
        f'<h2 class="most-read__title">{_e(ui.labels["most_read"])}</h2></div>'
        f'<div class="widget__body"><ol class="most-read__list">{items}</ol></div>'
        "</section></div>"
        '<div class="widget"><section class="newsletter"><div class="widget__header">'
        f'<h2 class="newsletter__title">{_e(ui.labels["newsletter"])}</h2></div>'
        f'<div class="widget__body"><p class="newsletter__text">'
        f"{_e(ui.labels['newsletter_text'])}</p>"
        f'<form class="newsletter__form" action="{_url("/newsletter")}" method="post">'
        f'<div class="form__field"><input type="email" name="email" '
        f'placeholder="{_e(ui.labels["email"])}" required></div>'
        f'<input type="hidden" name="list" value="daily-{rng.randrange(100)}">'
        f'<div class="form__actions"><button type="submit">{_e(ui.labels["subscribe"])}'
        "</button></div></form></div></section></div>"
        f'<div class="widget widget--ad">{_ad_slot("sky2", ui)}</div>'
        "</div></aside>"
    )


def _footer(ui: _Interface, rng: random.Random) -> str:
    labels = ui.labels
    columns = {
        labels["about"]: [labels[k] for k in ("about", "contact", "careers", "advertise")]
        + [f"{labels['newsletter']} {n}" for n in range(1, 5)],
        labels["services"]: [*ui.sections[:8], labels["subscribe"], labels["login"]],
        labels["legal"]: [labels[k] for k in ("privacy", "terms", "imprint", "settings")],
    }
    blocks = []
    for title, entries in columns.items():
        links = "".join(
            f'<li><a class="footer__link" href="{_url("/info/" + slugify(e, "page"))}">'
            f"{_e(e)}</a></li>"
            for e in entries
        )
        blocks.append(
            f'<div class="footer__column"><div class="footer__block">'
            f'<div class="footer__heading"><h3 class="footer__title">{_e(title)}</h3></div>'
            f'<div class="footer__links"><ul class="footer__list">{links}</ul></div></div></div>'
        )
    sections = "".join(
        f'<li><a class="footer__link" href="{_url("/" + slug + "/")}">{_e(label)}</a></li>'
        for slug, label in zip(_SECTIONS, ui.sections, strict=True)
    )
    social = "".join(
        f'<a class="footer__social" href="https://social.example/{name}/climatecoop" '
        f'rel="noopener">{_icon(name)}</a>'
        for name in ("facebook", "x", "linkedin")
    )
    return (
        '<footer class="footer" role="contentinfo"><div class="container">'
        '<div class="footer__inner"><div class="footer__row">'
        f'<div class="footer__column"><ul class="footer__list">{sections}</ul></div>'
        f'{"".join(blocks)}<div class="footer__column"><div class="footer__block">'
        f'<h3 class="footer__title">{_e(labels["follow"])}</h3>'
        f'<div class="footer__social-list">{social}</div></div></div></div></div>'
        f'<div class="footer__bottom"><p class="footer__copyright">© 2012–2024 {SITE_NAME}. '
        f"{_e(labels['rights'])} ISSN {rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
        "</p></div></div></footer>"
    )


def _state_script(
    plan: PagePlan,
    lead: str,
    paragraphs: list[str],
    related: list[PagePlan],
    rng: random.Random,
) -> str:
    """The hydration state a JavaScript front end embeds: the article again, as JSON."""
    state = {
        "route": {"name": "article", "params": {"id": 100_000 + plan.index}},
        "article": {
            "id": 100_000 + plan.index,
            "title": plan.title,
            "lead": lead,
            "section": _SECTIONS[plan.section],
            "publishedAt": plan.published_at.isoformat(),
            "author": {"name": plan.author},
            "blocks": [{"type": "paragraph", "html": p} for p in paragraphs],
        },
        "related": [{"id": 100_000 + p.index, "title": p.title, "url": p.path} for p in related],
        "experiments": {f"exp_{n}": rng.choice(("control", "a", "b")) for n in range(12)},
        "paywall": {"metered": True, "free": rng.randint(3, 10)},
    }
    text = json.dumps(state, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f"<script>window.__INITIAL_STATE__={text};</script>"


_JS_NAMES = (
    "e",
    "t",
    "n",
    "r",
    "i",
    "o",
    "a",
    "s",
    "u",
    "c",
    "l",
    "f",
    "d",
    "p",
    "h",
    "m",
    "v",
    "g",
    "y",
    "b",
)
_JS_SNIPPETS: tuple[Callable[[random.Random], str], ...] = (
    lambda r: (
        f"function {_js_id(r)}(e,t){{if(!e)return t;var n=e.length;for(var r=0;r<n;r++)"
        f"{{t+=e.charCodeAt(r)*{r.randrange(3, 97)}%{r.randrange(1000, 9999)}}}return t}}"
    ),
    lambda r: (
        f"{_js_id(r)}.prototype.{_js_id(r)}=function(e){{this._q=this._q||[];this._q.push(e);"
        f"this._q.length>{r.randrange(5, 50)}&&this._q.shift();return this}};"
    ),
    lambda r: (
        f'var {_js_id(r)}=document.querySelectorAll("[data-{_js_id(r)}]");'
        f"Array.prototype.forEach.call({_js_id(r)},function(e){{e.addEventListener("
        f'"click",function(t){{t.preventDefault();{_js_id(r)}(e.getAttribute("data-'
        f'{_js_id(r)}"))}},{{passive:!1}})}});'
    ),
    lambda r: (
        f'{r.randrange(1000, 99999)}:function(e,t,n){{"use strict";n.r(t),n.d(t,{{'
        f"default:function(){{return {_js_id(r)}}}}});var r=n({r.randrange(100, 9999)}),"
        f"i=n.n(r),o=function(e){{return i()(e).map(function(e){{return e.{_js_id(r)}}})}};"
        f"function {_js_id(r)}(e){{return o(e).filter(Boolean)}}}},"
    ),
    lambda r: (
        f'{_js_id(r)}:{{"{_js_id(r)}":"{r.choice(_SECTIONS)}","{_js_id(r)}":'
        f'{r.randrange(10**6)},"{_js_id(r)}":'
        f"[{','.join(str(r.randrange(999)) for _ in range(8))}]}},"
    ),
    lambda r: (
        f'try{{var {_js_id(r)}=window.localStorage.getItem("{_js_id(r)}");'
        f"{_js_id(r)}&&JSON.parse({_js_id(r)}).ts>Date.now()-{r.randrange(10**5, 10**7)}"
        f"&&(window.{_js_id(r)}=!0)}}catch(e){{console&&console.warn(e)}}"
    ),
    lambda r: (
        f"const {_js_id(r)}=async(e,t={{}})=>{{const n=await fetch(e,{{credentials:"
        f'"include",headers:{{"x-{_js_id(r)}":"{r.randrange(16**8):08x}"}},...t}});'
        f'if(!n.ok)throw new Error(n.status+" "+e);return n.json()}};'
    ),
)


def _js_id(rng: random.Random) -> str:
    return rng.choice(_JS_NAMES) + rng.choice(_JS_NAMES) + str(rng.randrange(100))


def _bundle_script(rng: random.Random, size: int) -> str:
    """A minified-looking JavaScript chunk of about ``size`` bytes (ASCII only)."""
    chunk = rng.randrange(100, 999)
    pieces = [f"<script>(self.webpackChunk=self.webpackChunk||[]).push([[{chunk}],{{"]
    length = len(pieces[0])
    while length < size - 20:
        piece = rng.choice(_JS_SNIPPETS)(rng)
        pieces.append(piece)
        length += len(piece)
    pieces.append("}]);</script>")
    return "".join(pieces)
