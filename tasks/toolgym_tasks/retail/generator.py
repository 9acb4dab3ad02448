"""Seeded generator of the retail database and its customer-service tasks.

``build_db(seed)`` draws a small store: 12 product types with option variants, 50 customers with
payment methods, and about 150 orders in every status. ``build_tasks(db, seed)`` writes 120 tasks
of 11 kinds (cancel, refuse to cancel, change an order's address / payment / items, return,
exchange, change the default address, order status, catalogue question, cancel + move). For each
task it picks matching records from the database, writes the reference dialogue (authenticate,
ask, look up, confirm, act, report), the gold actions, the outputs the agent must say, and the
user script. Gold values (refunds, price differences) are computed here from the rows; the test
suite replays every task against the real tools, so the two cannot drift apart unnoticed.

Determinism: everything is drawn from ``random.Random`` seeded with a string, so the same seed gives
identical files. ``python -m toolgym_tasks.retail.generator`` rewrites ``data/``.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any, Callable

from toolgym.apis.authoring import TaskBuilder, stratified_test_set
from toolgym.apis.common import money
from toolgym_tasks.domain_data import write_domain_data

ENV = "retail"
SEED = 0
DATA_DIR = Path(__file__).with_name("data")
TOOLS = [
    "find_user_id_by_email", "find_user_id_by_name_zip", "get_user_details", "get_order_details",
    "get_product_details", "list_all_product_types", "calculate", "cancel_pending_order",
    "modify_pending_order_address", "modify_pending_order_payment", "modify_pending_order_items",
    "return_delivered_order_items", "exchange_delivered_order_items", "modify_user_address",
]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira", "Liam", "Maya",
         "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe"]
LAST = ["Silva", "Okafor", "Novak", "Patel", "Rossi", "Haddad", "Kim", "Tanaka", "Garcia", "Muller", "Ivanova",
        "Brown", "Cohen", "Nguyen", "Larsen", "Moreno", "Schmidt", "Adams", "Khan", "Dubois"]
STREETS = ["Oak Street", "Maple Avenue", "Cedar Lane", "Pine Road", "Elm Court", "Birch Way", "Lake Drive",
           "Hill Street", "River Road", "Park Avenue", "Sunset Boulevard", "Willow Place"]
CITIES = [("Springfield", "IL", "627"), ("Portland", "OR", "972"), ("Austin", "TX", "787"), ("Denver", "CO", "802"),
          ("Columbus", "OH", "432"), ("Madison", "WI", "537"), ("Raleigh", "NC", "276"), ("Boise", "ID", "837"),
          ("Tucson", "AZ", "857"), ("Albany", "NY", "122")]
PRODUCTS: list[tuple[str, dict[str, list[str]], tuple[int, int]]] = [
    ("T-Shirt", {"color": ["red", "blue", "black", "white"], "size": ["S", "M", "L", "XL"]}, (15, 35)),
    ("Running Shoes", {"color": ["black", "white", "grey"], "size": ["8", "9", "10", "11"]}, (60, 140)),
    ("Water Bottle", {"capacity": ["500ml", "750ml", "1000ml"], "color": ["green", "blue", "steel"]}, (12, 40)),
    ("Desk Lamp", {"color": ["black", "white", "brass"], "brightness": ["low", "high"]}, (25, 90)),
    ("Backpack", {"color": ["navy", "black", "olive"], "size": ["small", "medium", "large"]}, (40, 120)),
    ("Headphones", {"type": ["over-ear", "in-ear"], "color": ["black", "white", "blue"]}, (30, 250)),
    ("Coffee Maker", {"capacity": ["4 cups", "8 cups", "12 cups"], "color": ["black", "steel"]}, (45, 160)),
    ("Yoga Mat", {"thickness": ["4mm", "6mm", "8mm"], "color": ["purple", "grey", "teal"]}, (20, 70)),
    ("Mechanical Keyboard", {"switch": ["red", "brown", "blue"], "layout": ["full", "tenkeyless"]}, (70, 180)),
    ("Office Chair", {"material": ["mesh", "leather", "fabric"], "color": ["black", "grey"]}, (120, 400)),
    ("Sunglasses", {"frame": ["metal", "plastic"], "lens": ["polarized", "standard", "mirrored"]}, (25, 150)),
    ("Rain Jacket", {"color": ["yellow", "navy", "red"], "size": ["S", "M", "L"]}, (50, 160)),
]
REASONS = ["no longer needed", "ordered by mistake"]


# ------------------------------------------------------------------------------------------ database
def build_db(seed: int = SEED) -> dict[str, list[dict[str, Any]]]:
    """The initial rows of every table."""
    rng = random.Random(f"retail-db-{seed}")
    products, items = [], []
    used_ids: set[str] = set()

    def fresh(make: Callable[[], str]) -> str:
        while True:
            value = make()
            if value not in used_ids:
                used_ids.add(value)
                return value

    for n, (name, axes, (lo, hi)) in enumerate(PRODUCTS):
        pid = f"P{101 + n}"
        products.append({"product_id": pid, "name": name})
        combos = list(itertools.product(*axes.values()))
        chosen = sorted(rng.sample(combos, min(len(combos), rng.randint(5, 8))))
        for k, combo in enumerate(chosen):
            items.append({
                "item_id": fresh(lambda: str(rng.randrange(10**9, 10**10))), "product_id": pid,
                "options": json.dumps(dict(zip(axes, combo))), "price_cents": rng.randint(lo * 100, hi * 100),
                "available": k < 3 or rng.random() < 0.7,
            })
    users, methods, orders, lines, txs = [], [], [], [], []
    for first, last in rng.sample(list(itertools.product(FIRST, LAST)), 50):
        uid = fresh(lambda: f"{first.lower()}_{last.lower()}_{rng.randint(1000, 9999)}")
        addr = _address(rng)
        users.append({"user_id": uid, "first_name": first, "last_name": last,
                      "email": fresh(lambda: f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com"), **addr})
        own = [{"payment_method_id": fresh(lambda: f"credit_card_{rng.randint(1000000, 9999999)}"), "user_id": uid,
                "kind": "credit_card", "brand": rng.choice(["visa", "mastercard", "amex"]),
                "last_four": f"{rng.randint(0, 9999):04d}", "balance_cents": None}]
        if rng.random() < 0.5:
            own.append({"payment_method_id": fresh(lambda: f"paypal_{rng.randint(1000000, 9999999)}"), "user_id": uid,
                        "kind": "paypal", "brand": None, "last_four": None, "balance_cents": None})
        if rng.random() < 0.4:
            own.append({"payment_method_id": fresh(lambda: f"gift_card_{rng.randint(1000000, 9999999)}"), "user_id": uid,
                        "kind": "gift_card", "brand": None, "last_four": None, "balance_cents": rng.randint(20, 300) * 100})
        methods.extend(own)
        for _ in range(rng.randint(3, 5)):
            oid = fresh(lambda: f"#W{rng.randint(1000000, 9999999)}")
            status = rng.choices(["pending", "processed", "delivered", "cancelled"], [40, 15, 40, 5])[0]
            order_addr = addr if rng.random() < 0.8 else _address(rng)
            orders.append({"order_id": oid, "user_id": uid, "status": status, **order_addr,
                           "cancel_reason": rng.choice(REASONS) if status == "cancelled" else None})
            picked = [rng.choice([i for i in items if i["product_id"] == p["product_id"]])
                      for p in rng.sample(products, rng.randint(1, 4))]
            for line, item in enumerate(picked, 1):
                lines.append({"order_id": oid, "line": line, "item_id": item["item_id"],
                              "price_cents": item["price_cents"], "status": "ordered", "exchange_item_id": None})
            total = sum(i["price_cents"] for i in picked)
            payer = rng.choice([m for m in own if m["kind"] != "gift_card"] + [m for m in own if m["kind"] == "gift_card"])
            txs.append({"order_id": oid, "seq": 1, "kind": "payment", "payment_method_id": payer["payment_method_id"],
                        "amount_cents": total})
            if status == "cancelled":
                txs.append({"order_id": oid, "seq": 2, "kind": "refund", "payment_method_id": payer["payment_method_id"],
                            "amount_cents": total})
    return {"users": users, "payment_methods": methods, "products": products, "items": items, "orders": orders,
            "order_items": lines, "transactions": txs}


def _address(rng: random.Random) -> dict[str, str]:
    city, state, prefix = rng.choice(CITIES)
    return {"address1": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
            "address2": rng.choice(["", "", f"Apt {rng.randint(1, 40)}", f"Suite {rng.randint(100, 500)}"]),
            "city": city, "state": state, "zip": f"{prefix}{rng.randint(0, 99):02d}"}


# ------------------------------------------------------------------------------------------ tasks
class Store:
    """Read access to the generated rows, for picking task subjects."""

    def __init__(self, db: dict[str, list[dict[str, Any]]]) -> None:
        self.db = db
        self.users = {u["user_id"]: u for u in db["users"]}
        self.items = {i["item_id"]: i for i in db["items"]}
        self.products = {p["product_id"]: p for p in db["products"]}
        self.methods = {m["payment_method_id"]: m for m in db["payment_methods"]}
        self.lines: dict[str, list[dict]] = {}
        for line in db["order_items"]:
            self.lines.setdefault(line["order_id"], []).append(line)
        self.payments = {t["order_id"]: t for t in db["transactions"] if t["kind"] == "payment"}

    def orders(self, status: str) -> list[dict]:
        return [o for o in self.db["orders"] if o["status"] == status]

    def user_methods(self, uid: str) -> list[dict]:
        return [m for m in self.db["payment_methods"] if m["user_id"] == uid]

    def total(self, oid: str) -> int:
        return sum(line["price_cents"] for line in self.lines[oid])

    def alternatives(self, item_id: str) -> list[dict]:
        item = self.items[item_id]
        return [i for i in self.db["items"]
                if i["product_id"] == item["product_id"] and i["item_id"] != item_id and i["available"]]

    def label(self, item_id: str) -> str:
        item = self.items[item_id]
        return f"{self.products[item['product_id']]['name']} ({options_text(item)})"


def options_text(item: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in json.loads(item["options"]).items())


def method_text(m: dict) -> str:
    if m["kind"] == "credit_card":
        return f"{m['brand'].title()} card ending in {m['last_four']}"
    return "PayPal account" if m["kind"] == "paypal" else "gift card"


def address_text(a: dict) -> str:
    street = f"{a['address1']}, {a['address2']}" if a["address2"] else a["address1"]
    return f"{street}, {a['city']}, {a['state']} {a['zip']}"


def address_args(a: dict) -> dict[str, str]:
    return {k: a[k] for k in ("address1", "address2", "city", "state", "zip")}


def start(rng: random.Random, task_id: str, user: dict, question: str, want: str) -> TaskBuilder:
    """A builder with the user's identity facts and the authentication opening of the dialogue."""
    name = f"{user['first_name']} {user['last_name']}"
    b = TaskBuilder(task_id, ENV, question, TOOLS,
                    f"You are {name}, email {user['email']}, zip code {user['zip']}. {want}")
    b.fact(f"My email is {user['email']}.", "email")
    b.fact(f"My name is {name} and my zip code is {user['zip']}.", "your name", "first and last name", "full name", "zip")
    return b


def authenticate(rng: random.Random, b: TaskBuilder, user: dict) -> None:
    if rng.random() < 0.5:
        b.say("I can help with that. First, could you please tell me the email address on your account?")
        b.call("find_user_id_by_email", email=user["email"])
    else:
        b.say("I can help with that. First, could you please tell me your first and last name and your zip code?")
        b.call("find_user_id_by_name_zip", first_name=user["first_name"], last_name=user["last_name"], zip=user["zip"])
    b.call("get_user_details", user_id=user["user_id"])


ORDER_WHEN = ("which order", "order id", "order number", "what order")
ITEM_WHEN = ("which item", "what item", "which product", "which option", "what option", "what would you like")
CLOSING = "Is there anything else I can help you with?"


def t_cancel(rng: random.Random, s: Store, tid: str, order: dict, refuse: bool = False) -> TaskBuilder:
    user, oid = s.users[order["user_id"]], order["order_id"]
    reason, refund = rng.choice(REASONS), money(s.total(oid))
    if refuse:
        b = start(rng, tid, user, rng.choice(["Hi, I'm thinking about cancelling an order. How much would I get back?",
                                              "Hello, if I cancel one of my orders, what refund would I get?"]),
                  f"You are considering cancelling order {oid} ({reason}). Ask how much you would be refunded, "
                  "and when asked to confirm the cancellation, decline: you keep the order.")
        b.confirm = False
    else:
        b = start(rng, tid, user, rng.choice(["Hi, I'd like to cancel an order.", "Hello, I need to cancel one of my orders, please."]),
                  f"You want to cancel order {oid} because it is {reason}. Confirm the cancellation when asked.")
        b.goal("cancelled", "canceled")
        b.nudge(f"I want to cancel order {oid}; the reason is {reason}.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN).fact(f"The reason is: {reason}.", "reason", "why")
    b.output(refund)
    authenticate(rng, b, user)
    b.say(f"Thank you, {user['first_name']}. Which order is it, and what is the reason for the cancellation?")
    b.call("get_order_details", order_id=oid)
    payer = method_text(s.methods[s.payments[oid]["payment_method_id"]])
    b.say(f"Order {oid} is pending. Cancelling it would refund ${refund} to your {payer}. "
          f"Do you confirm that you want me to cancel order {oid} (yes/no)?")
    if refuse:
        b.say(f"Understood, I have not cancelled order {oid}. {CLOSING}")
    else:
        b.call("cancel_pending_order", order_id=oid, reason=reason)
        b.say(f"Your order {oid} has been cancelled. A refund of ${refund} goes back to your {payer}. {CLOSING}")
    return b


def t_order_address(rng: random.Random, s: Store, tid: str, order: dict) -> TaskBuilder:
    user, oid, new = s.users[order["user_id"]], order["order_id"], _address(rng)
    b = start(rng, tid, user, rng.choice(["Hi, I need to change the shipping address on one of my orders.",
                                          "Hello, can you send one of my orders to a different address?"]),
              f"You want order {oid} shipped to {address_text(new)} instead. Confirm when asked.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN).fact(f"The new address is {address_text(new)}.", "address")
    b.goal("updated", "changed").nudge(f"Please ship order {oid} to {address_text(new)}.")
    authenticate(rng, b, user)
    b.say(f"Thanks, {user['first_name']}. Which order is it, and what is the new shipping address?")
    b.call("get_order_details", order_id=oid)
    b.say(f"Order {oid} is pending, so I can change where it ships. Please confirm: should I ship it to "
          f"{address_text(new)} (yes/no)?")
    b.call("modify_pending_order_address", order_id=oid, **address_args(new))
    b.say(f"Done: the shipping address of order {oid} has been updated to {address_text(new)}. {CLOSING}")
    return b


def t_order_payment(rng: random.Random, s: Store, tid: str, order: dict, new: dict) -> TaskBuilder:
    user, oid = s.users[order["user_id"]], order["order_id"]
    b = start(rng, tid, user, "Hi, I'd like to change how I pay for one of my orders.",
              f"You want order {oid} paid with your {method_text(new)} instead. Confirm when asked.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN)
    b.fact(f"Please use my {method_text(new)}.", "payment method", "which payment", "pay with", "how would you like to pay")
    b.goal("updated", "changed", "switched").nudge(f"Please switch the payment of order {oid} to my {method_text(new)}.")
    authenticate(rng, b, user)
    b.say(f"Thanks, {user['first_name']}. Which order is it, and which payment method would you like to use instead?")
    b.call("get_order_details", order_id=oid)
    old = method_text(s.methods[s.payments[oid]["payment_method_id"]])
    b.say(f"Order {oid} (${money(s.total(oid))}) is currently paid with your {old}. Please confirm: should I "
          f"charge your {method_text(new)} instead and refund the {old} (yes/no)?")
    b.call("modify_pending_order_payment", order_id=oid, payment_method_id=new["payment_method_id"])
    b.say(f"The payment of order {oid} has been switched to your {method_text(new)}. {CLOSING}")
    return b


def t_swap(rng: random.Random, s: Store, tid: str, order: dict, line: dict, target: dict, exchange: bool) -> TaskBuilder:
    user, oid = s.users[order["user_id"]], order["order_id"]
    payer = s.methods[s.payments[oid]["payment_method_id"]]
    product = s.products[target["product_id"]]
    old_label, new_opts = s.label(line["item_id"]), options_text(target)
    diff = target["price_cents"] - line["price_cents"]
    verb = "exchange" if exchange else "change"
    b = start(rng, tid, user,
              "Hi, I'd like to exchange an item I received for a different option." if exchange
              else "Hi, I'd like to change an item in an order that hasn't shipped yet.",
              f"In order {oid} you want to {verb} the {old_label} for the option with {new_opts}, paying any "
              f"difference with the original payment method ({method_text(payer)}). Confirm when asked.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN)
    b.fact(f"I'd like to {verb} the {old_label} for the one with {new_opts}.", *ITEM_WHEN)
    b.fact(f"Please use the original payment method, my {method_text(payer)}.", "payment method", "which payment", "pay with")
    b.goal("exchange" if exchange else "updated", "exchanged" if exchange else "changed")
    b.output(money(abs(diff)))
    b.nudge(f"In order {oid} I want the {product['name']} with {new_opts} instead.")
    authenticate(rng, b, user)
    b.say(f"Thanks, {user['first_name']}. Which order is it, which item would you like to {verb} and for which "
          "option, and which payment method should cover any price difference?")
    b.call("get_order_details", order_id=oid)
    b.call("get_product_details", product_id=target["product_id"])
    delta = (f"you pay ${money(diff)} more" if diff > 0 else f"you get ${money(-diff)} back")
    b.say(f"The {product['name']} with {new_opts} is available for ${money(target['price_cents'])}; the price "
          f"difference is ${money(abs(diff))} ({delta}, using your {method_text(payer)}). "
          f"Do you confirm that I should {verb} it (yes/no)?")
    name = "exchange_delivered_order_items" if exchange else "modify_pending_order_items"
    b.call(name, order_id=oid, item_ids=[line["item_id"]], new_item_ids=[target["item_id"]],
           payment_method_id=payer["payment_method_id"])
    done = ("The exchange has been requested" if exchange else "The order has been updated")
    b.say(f"{done}: the {old_label} in order {oid} will be replaced by the option with {new_opts}. The price "
          f"difference of ${money(abs(diff))} uses your {method_text(payer)}. {CLOSING}")
    return b


def t_return(rng: random.Random, s: Store, tid: str, order: dict, lines: list[dict]) -> TaskBuilder:
    user, oid = s.users[order["user_id"]], order["order_id"]
    payer = s.methods[s.payments[oid]["payment_method_id"]]
    labels = " and the ".join(s.label(line["item_id"]) for line in lines)
    refund = money(sum(line["price_cents"] for line in lines))
    b = start(rng, tid, user, rng.choice(["Hi, I want to return some things I received.", "Hello, I'd like to make a return."]),
              f"You want to return the {labels} from order {oid}, refunded to the original payment method. "
              "Confirm when asked.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN).fact(f"I want to return the {labels}.", *ITEM_WHEN, "items")
    b.fact("Please refund the original payment method.", "refund", "payment method")
    b.goal("return").output(refund).nudge(f"I'd like to return the {labels} from order {oid}.")
    authenticate(rng, b, user)
    b.say(f"Thanks, {user['first_name']}. Which order is it, which items would you like to return, and where "
          "should the refund go?")
    b.call("get_order_details", order_id=oid)
    b.say(f"Returning the {labels} from order {oid} gives a refund of ${refund} to your {method_text(payer)}. "
          "Do you confirm the return (yes/no)?")
    b.call("return_delivered_order_items", order_id=oid, item_ids=[line["item_id"] for line in lines],
           payment_method_id=payer["payment_method_id"])
    b.say(f"Your return has been requested. Once the items arrive, ${refund} will be refunded to your "
          f"{method_text(payer)}. {CLOSING}")
    return b


def t_user_address(rng: random.Random, s: Store, tid: str, user: dict, b: TaskBuilder | None = None) -> TaskBuilder:
    new = _address(rng)
    if b is None:
        b = start(rng, tid, user, "Hi, I moved recently and need to update the address on my account.",
                  f"Your new default address is {address_text(new)}. Confirm when asked.")
        authenticate(rng, b, user)
        b.say(f"Thanks, {user['first_name']}. What is your new address?")
    else:
        b.instruction += f" You also moved: your new default address is {address_text(new)}."
    b.fact(f"My new address is {address_text(new)}.", "address")
    b.goal("updated", "changed").nudge(f"Please change my address to {address_text(new)}.")
    b.say(f"Please confirm: should I update the default address on your account to {address_text(new)} (yes/no)?")
    b.call("modify_user_address", user_id=user["user_id"], **address_args(new))
    b.say(f"Your default address has been updated to {address_text(new)}. {CLOSING}")
    return b


def t_combo(rng: random.Random, s: Store, tid: str, order: dict) -> TaskBuilder:
    user, oid = s.users[order["user_id"]], order["order_id"]
    reason, refund = rng.choice(REASONS), money(s.total(oid))
    payer = method_text(s.methods[s.payments[oid]["payment_method_id"]])
    b = start(rng, tid, user, "Hi, I need to cancel an order, and I also moved, so my address needs updating.",
              f"You want to cancel order {oid} because it is {reason}. Confirm each change when asked.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN).fact(f"The reason is: {reason}.", "reason", "why")
    b.goal("cancelled", "canceled").output(refund).nudge(f"I want to cancel order {oid}; the reason is {reason}.")
    authenticate(rng, b, user)
    b.say(f"Thank you, {user['first_name']}. Let's start with the cancellation: which order is it, and what is the reason?")
    b.call("get_order_details", order_id=oid)
    b.say(f"Cancelling order {oid} would refund ${refund} to your {payer}. Do you confirm the cancellation (yes/no)?")
    b.call("cancel_pending_order", order_id=oid, reason=reason)
    b.say(f"Order {oid} has been cancelled and ${refund} will be refunded to your {payer}. Now, what is your new address?")
    return t_user_address(rng, s, tid, user, b)


def t_status(rng: random.Random, s: Store, tid: str, order: dict) -> TaskBuilder:
    user, oid = s.users[order["user_id"]], order["order_id"]
    total = money(s.total(oid))
    b = start(rng, tid, user, "Hi, can you tell me the status of my order and how much I paid for it?",
              f"You want to know the status and the total of order {oid}.")
    b.fact(f"It's order {oid}.", *ORDER_WHEN).output(order["status"]).output(total)
    b.nudge(f"I'm asking about order {oid}: what is its status and total?")
    authenticate(rng, b, user)
    b.say(f"Thanks, {user['first_name']}. Which order are you asking about?")
    b.call("get_order_details", order_id=oid)
    b.say(f"Order {oid} is {order['status']}, and its total was ${total}. {CLOSING}")
    return b


def t_catalogue(rng: random.Random, s: Store, tid: str, user: dict, product: dict) -> TaskBuilder:
    variants = [i for i in s.db["items"] if i["product_id"] == product["product_id"] and i["available"]]
    cheapest = min(variants, key=lambda i: (i["price_cents"], i["item_id"]))
    name = product["name"]
    b = start(rng, tid, user, f"Hi! How many options of your {name} are available right now, and which one is cheapest?",
              f"You want to know how many options of the {name} are available and which is the cheapest.")
    b.output(str(len(variants))).output(money(cheapest["price_cents"]))
    b.nudge(f"I'd just like to know about the {name}: how many options are available, and the cheapest price?")
    b.call("list_all_product_types")
    b.call("get_product_details", product_id=product["product_id"])
    b.say(f"We currently have {len(variants)} available options of the {name}. The cheapest is the one with "
          f"{options_text(cheapest)}, at ${money(cheapest['price_cents'])}. {CLOSING}")
    return b


def build_tasks(db: dict[str, list[dict[str, Any]]], seed: int = SEED) -> list[dict[str, Any]]:
    """120 task records; a fifth of each kind is in the test split (96 train, 24 test)."""
    rng = random.Random(f"retail-tasks-{seed}")
    s = Store(db)
    pending, delivered = s.orders("pending"), s.orders("delivered")
    rng.shuffle(pending)
    rng.shuffle(delivered)
    builders: list[tuple[str, TaskBuilder]] = []

    def add(kind: str, make: Callable[[str], TaskBuilder]) -> None:
        builders.append((kind, make(f"retail-{kind}-{sum(k == kind for k, _ in builders):03d}")))

    for order in pending[:14]:
        add("cancel", lambda tid, o=order: t_cancel(rng, s, tid, o))
    for order in pending[14:22]:
        add("cancel_refused", lambda tid, o=order: t_cancel(rng, s, tid, o, refuse=True))
    for order in pending[22:34]:
        add("order_address", lambda tid, o=order: t_order_address(rng, s, tid, o))
    payable = []
    for order in pending[34:]:
        current = s.payments[order["order_id"]]["payment_method_id"]
        options = [m for m in s.user_methods(order["user_id"]) if m["payment_method_id"] != current
                   and (m["kind"] != "gift_card" or m["balance_cents"] >= s.total(order["order_id"]))]
        if options:
            payable.append((order, rng.choice(options)))
    for order, method in payable[:10]:
        add("order_payment", lambda tid, o=order, m=method: t_order_payment(rng, s, tid, o, m))
    for kind, pool, exchange in (("order_items", pending[34:], False), ("exchange", delivered[:30], True)):
        made = 0
        for order in pool:
            payer = s.methods[s.payments[order["order_id"]]["payment_method_id"]]
            swaps = [(line, alt) for line in s.lines[order["order_id"]] for alt in s.alternatives(line["item_id"])
                     if alt["price_cents"] != line["price_cents"]
                     and (payer["kind"] != "gift_card" or alt["price_cents"] - line["price_cents"] <= payer["balance_cents"])]
            if swaps and made < 12:
                line, alt = rng.choice(swaps)
                add(kind, lambda tid, o=order, ln=line, a=alt, x=exchange: t_swap(rng, s, tid, o, ln, a, x))
                made += 1
    for order in delivered[30:44]:
        order_lines = s.lines[order["order_id"]]
        add("return", lambda tid, o=order, ls=order_lines: t_return(rng, s, tid, o, rng.sample(ls, min(len(ls), rng.randint(1, 2)))))
    users = sorted(s.users.values(), key=lambda u: u["user_id"])
    for user in rng.sample(users, 10):
        add("user_address", lambda tid, u=user: t_user_address(rng, s, tid, u))
    for order in rng.sample([o for o in s.db["orders"] if o not in pending[:44]], 10):
        add("order_status", lambda tid, o=order: t_status(rng, s, tid, o))
    for product in rng.sample(s.db["products"], 8):
        add("catalogue", lambda tid, p=product: t_catalogue(rng, s, tid, rng.choice(users), p))
    for order in pending[44:54]:
        add("cancel_and_move", lambda tid, o=order: t_combo(rng, s, tid, o))
    test = stratified_test_set([kind for kind, _ in builders], rng)
    return [b.record("test" if i in test else "train", {"kind": kind, "domain": ENV, "source": "toolgym-generated",
                                                        "seed": seed})
            for i, (kind, b) in enumerate(builders)]


def write(seed: int = SEED, out: Path = DATA_DIR) -> None:
    """Regenerate ``data/db.json`` and ``data/tasks.jsonl``."""
    db = build_db(seed)
    write_domain_data(out, db, build_tasks(db, seed))


if __name__ == "__main__":
    write()
