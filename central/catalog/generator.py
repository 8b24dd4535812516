"""A realistic generated catalog for demos and benchmarks: a category tree, brands, Russian and
English names and descriptions, attributes. Pure and deterministic: SKU n is the same for the
same seed whatever else is generated, so a benchmark can cache a seeded database by VERSION."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from central.catalog.categories import Category

VERSION = "1"  # bump when the output for a given seed changes

TOP = [("electronics", "Электроника"), ("appliances", "Бытовая техника"), ("clothes", "Одежда"),
       ("shoes", "Обувь"), ("kitchen", "Посуда и кухня"), ("kids", "Детские товары"), ("sport", "Спорт и отдых"),
       ("tools", "Инструменты"), ("beauty", "Красота и уход"), ("home", "Дом")]


@dataclass(frozen=True)
class Leaf:
    category_id: str
    parent: str
    name: str  # the category's name
    noun: str  # one product, Russian
    gender: int  # 0 m, 1 f, 2 n, 3 plural: which adjective form agrees with the noun
    noun_en: str
    price_rub: tuple[int, int]


LEAVES = [
    Leaf("smartphones", "electronics", "Смартфоны", "смартфон", 0, "smartphone", (6_000, 150_000)),
    Leaf("headphones", "electronics", "Наушники", "наушники", 3, "headphones", (500, 40_000)),
    Leaf("laptops", "electronics", "Ноутбуки", "ноутбук", 0, "laptop", (25_000, 250_000)),
    Leaf("tv", "electronics", "Телевизоры", "телевизор", 0, "TV", (12_000, 200_000)),
    Leaf("chargers", "electronics", "Зарядные устройства", "зарядное устройство", 2, "charger", (300, 5_000)),
    Leaf("smartwatches", "electronics", "Умные часы", "умные часы", 3, "smartwatch", (2_000, 60_000)),
    Leaf("kettles", "appliances", "Чайники", "электрочайник", 0, "electric kettle", (900, 12_000)),
    Leaf("vacuums", "appliances", "Пылесосы", "пылесос", 0, "vacuum cleaner", (3_000, 80_000)),
    Leaf("blenders", "appliances", "Блендеры", "блендер", 0, "blender", (1_500, 25_000)),
    Leaf("irons", "appliances", "Утюги", "утюг", 0, "iron", (1_200, 15_000)),
    Leaf("coffee", "appliances", "Кофемашины", "кофемашина", 1, "coffee machine", (8_000, 120_000)),
    Leaf("tshirts", "clothes", "Футболки", "футболка", 1, "T-shirt", (400, 4_000)),
    Leaf("jackets", "clothes", "Куртки", "куртка", 1, "jacket", (3_000, 30_000)),
    Leaf("jeans", "clothes", "Джинсы", "джинсы", 3, "jeans", (1_500, 12_000)),
    Leaf("dresses", "clothes", "Платья", "платье", 2, "dress", (1_500, 20_000)),
    Leaf("socks", "clothes", "Носки", "носки", 3, "socks", (150, 1_500)),
    Leaf("sneakers", "shoes", "Кроссовки", "кроссовки", 3, "sneakers", (2_000, 25_000)),
    Leaf("boots", "shoes", "Ботинки", "ботинки", 3, "boots", (3_000, 30_000)),
    Leaf("slippers", "shoes", "Тапочки", "тапочки", 3, "slippers", (300, 3_000)),
    Leaf("sandals", "shoes", "Сандалии", "сандалии", 3, "sandals", (800, 8_000)),
    Leaf("pans", "kitchen", "Сковороды", "сковорода", 1, "frying pan", (700, 9_000)),
    Leaf("pots", "kitchen", "Кастрюли", "кастрюля", 1, "pot", (800, 12_000)),
    Leaf("mugs", "kitchen", "Кружки", "кружка", 1, "mug", (150, 2_500)),
    Leaf("knives", "kitchen", "Ножи", "нож", 0, "knife", (300, 15_000)),
    Leaf("toycars", "kids", "Машинки", "машинка", 1, "toy car", (200, 6_000)),
    Leaf("buildsets", "kids", "Конструкторы", "конструктор", 0, "building set", (500, 25_000)),
    Leaf("dolls", "kids", "Куклы", "кукла", 1, "doll", (400, 8_000)),
    Leaf("bikes", "sport", "Велосипеды", "велосипед", 0, "bicycle", (9_000, 90_000)),
    Leaf("dumbbells", "sport", "Гантели", "гантели", 3, "dumbbells", (600, 15_000)),
    Leaf("yogamats", "sport", "Коврики для йоги", "коврик для йоги", 0, "yoga mat", (500, 5_000)),
    Leaf("backpacks", "sport", "Рюкзаки", "рюкзак", 0, "backpack", (800, 15_000)),
    Leaf("drills", "tools", "Дрели", "дрель", 1, "drill", (2_000, 30_000)),
    Leaf("screwdrivers", "tools", "Отвёртки", "набор отвёрток", 0, "screwdriver set", (300, 6_000)),
    Leaf("hammers", "tools", "Молотки", "молоток", 0, "hammer", (300, 4_000)),
    Leaf("shampoo", "beauty", "Шампуни", "шампунь", 0, "shampoo", (150, 3_000)),
    Leaf("creams", "beauty", "Кремы", "крем", 0, "cream", (200, 8_000)),
    Leaf("lamps", "home", "Лампы", "лампа", 1, "lamp", (400, 12_000)),
    Leaf("pillows", "home", "Подушки", "подушка", 1, "pillow", (500, 6_000)),
    Leaf("towels", "home", "Полотенца", "полотенце", 2, "towel", (250, 3_000)),
    Leaf("umbrellas", "home", "Зонты", "зонт", 0, "umbrella", (600, 6_000)),
]
# Russian forms (masculine, feminine, neuter, plural) and English.
ADJECTIVES = [
    ("чёрный", "чёрная", "чёрное", "чёрные", "black"), ("белый", "белая", "белое", "белые", "white"),
    ("красный", "красная", "красное", "красные", "red"), ("синий", "синяя", "синее", "синие", "blue"),
    ("серый", "серая", "серое", "серые", "grey"), ("зелёный", "зелёная", "зелёное", "зелёные", "green"),
    ("компактный", "компактная", "компактное", "компактные", "compact"),
    ("беспроводной", "беспроводная", "беспроводное", "беспроводные", "wireless"),
    ("детский", "детская", "детское", "детские", "kids'"), ("складной", "складная", "складное", "складные", "folding"),
    ("водонепроницаемый", "водонепроницаемая", "водонепроницаемое", "водонепроницаемые", "waterproof"),
    ("лёгкий", "лёгкая", "лёгкое", "лёгкие", "lightweight"), ("мужской", "мужская", "мужское", "мужские", "men's"),
    ("женский", "женская", "женское", "женские", "women's"),
    ("профессиональный", "профессиональная", "профессиональное", "профессиональные", "professional"),
    ("дорожный", "дорожная", "дорожное", "дорожные", "travel"),
    ("классический", "классическая", "классическое", "классические", "classic"),
    ("спортивный", "спортивная", "спортивное", "спортивные", "sports"),
]
BRANDS = ["Bosch", "Philips", "Tefal", "Xiaomi", "Samsung", "Apple", "Sony", "LG", "Redmond", "Polaris", "Nike",
          "Adidas", "Puma", "Reebok", "New Balance", "Asics", "Ecco", "Zara", "Gloria Jeans", "Befree", "Lego",
          "Mattel", "Hot Wheels", "Makita", "DeWalt", "Зубр", "Интерскол", "L'Oreal", "Nivea", "Garnier", "Stels",
          "Forward", "Demix", "Kari", "Hoff", "Vitek", "Scarlett", "Moulinex", "Braun", "Huawei", "Honor",
          "Realme", "JBL", "Marshall", "Lenovo", "Asus", "Acer", "HP", "Gorenje", "Kitfort", "Fissman", "Rondell",
          "Tramontina", "Columbia", "Salomon", "Outventure", "Торговый дом Мир", "Солнышко", "Уют", "Северянка"]
BRANDS_PER_LEAF = 12
MATERIALS = ["пластик", "металл", "хлопок", "кожа", "нержавеющая сталь", "стекло", "дерево", "полиэстер", "керамика"]
COUNTRIES = ["Россия", "Китай", "Германия", "Турция", "Вьетнам", "Италия", "Беларусь", "Корея"]
PURPOSES = ["дома", "работы", "путешествий", "спорта", "всей семьи", "дачи", "офиса"]
MODEL_LETTERS = "ABCDEFGHKLMNPRSTXZ"


def category_tree() -> list[Category]:
    return ([Category(cid, None, name) for cid, name in TOP]
            + [Category(leaf.category_id, leaf.parent, leaf.name) for leaf in LEAVES])


def brands_of(leaf: Leaf) -> list[str]:
    """The brands that make products of this kind (overlapping sets, BRANDS_PER_LEAF each)."""
    first = LEAVES.index(leaf) * 7
    return [BRANDS[(first + i) % len(BRANDS)] for i in range(BRANDS_PER_LEAF)]


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    brand: str
    category_id: str
    description: str
    attributes: dict[str, str]
    price_minor: int
    age_days: float  # how long ago it was listed
    seller_id: str
    weight_g: int
    dims_mm: tuple[int, int, int]
    gtin: str


def product(seed: int, n: int) -> Product:
    """SKU number n (from 1) of the catalog for `seed`."""
    rng = random.Random(seed * 1_000_003 + n)
    leaf = LEAVES[rng.randrange(len(LEAVES))]
    brand = rng.choice(brands_of(leaf))
    adjective, colour = rng.choice(ADJECTIVES[6:]), rng.choice(ADJECTIVES[:6])
    model = f"{rng.choice(MODEL_LETTERS)}{rng.choice(MODEL_LETTERS)}-{rng.randint(1, 999)}"
    if rng.random() < 0.75:
        name = f"{adjective[leaf.gender].capitalize()} {leaf.noun} {brand} {model}"
        name += f", {colour[leaf.gender]}" if rng.random() < 0.5 else ""
    else:
        name = f"{brand} {adjective[4]} {leaf.noun_en} {model}"
    low, high = leaf.price_rub
    price = round(math.exp(rng.uniform(math.log(low), math.log(high)))) * 100 - 1
    warranty = rng.choice([6, 12, 24, 36])
    description = (f"{leaf.noun.capitalize()} {brand} {model}: {rng.choice(ADJECTIVES[6:])[1]} "
                   f"модель для {rng.choice(PURPOSES)}, цвет {colour[0]}. "
                   f"Гарантия {warranty} мес. {adjective[4].capitalize()} {colour[4]} {leaf.noun_en} by {brand}.")
    attributes = {"цвет": colour[0], "материал": rng.choice(MATERIALS),
                  "страна производства": rng.choice(COUNTRIES), "гарантия": f"{warranty} мес"}
    weight = rng.randint(40, 15_000)
    return Product(sku=f"SKU-{n:06d}", name=name, brand=brand, category_id=leaf.category_id,
                   description=description, attributes=attributes, price_minor=max(99, price),
                   age_days=rng.uniform(0, 365), seller_id=f"seller-{rng.randint(1, 250):03d}", weight_g=weight,
                   dims_mm=(rng.randint(50, 800), rng.randint(30, 500), rng.randint(10, 400)),
                   gtin=ean13(f"460{n:09d}"))


def ean13(body12: str) -> str:
    """Append the EAN-13 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)
