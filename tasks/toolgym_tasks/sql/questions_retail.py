"""Question templates over the ``retail`` database (an online store)."""

from __future__ import annotations

import calendar

from toolgym_tasks.sql.templates import Sampler, Template

CITIES = "SELECT DISTINCT city FROM customers ORDER BY 1"
CATEGORIES = "SELECT name FROM categories ORDER BY 1"
REGIONS = "SELECT name FROM regions ORDER BY 1"
SEGMENTS = "SELECT DISTINCT segment FROM customers ORDER BY 1"
ORDER_YEARS = [2021, 2022, 2023, 2024]
REVENUE = "oi.quantity * oi.unit_price"


def _month(s: Sampler) -> dict:
    y, m = s.choice(ORDER_YEARS), s.randint(1, 12)
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return {"year": y, "m": m, "mm": f"{m:02d}", "month": calendar.month_name[m], "ny": ny, "nmm": f"{nm:02d}"}


def _price_range(s: Sampler) -> dict:
    prices = sorted({float(r[0]) for r in s.rows("SELECT price FROM products ORDER BY 1")})
    i = s.randint(0, len(prices) - 8)
    j = i + s.randint(3, 7)
    return {"lo": f"{prices[i]:.2f}", "hi": f"{prices[j]:.2f}"}


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="customers_in_city", difficulty="easy", skills=("filter", "count"),
        question="How many customers live in {city}?",
        sql="SELECT COUNT(*) FROM customers WHERE city = '{city}'",
        explore="SELECT city, COUNT(*) AS n FROM customers GROUP BY city ORDER BY n DESC LIMIT 5",
        equivalent=("SELECT COUNT(customer_id) FROM customers WHERE city IN ('{city}')",),
        wrong=("SELECT COUNT(DISTINCT segment) FROM customers WHERE city = '{city}'",),
        params=lambda s: {"city": s.pick(CITIES)},
    ),
    Template(
        key="products_price_range", difficulty="easy", skills=("filter", "between"),
        question="List the names of all products whose price is between {lo} and {hi} dollars, both ends included.",
        sql="SELECT name FROM products WHERE price BETWEEN {lo} AND {hi}",
        explore="SELECT name, price FROM products LIMIT 5",
        equivalent=("SELECT name FROM products WHERE price >= {lo} AND price <= {hi}",),
        wrong=("SELECT name FROM products WHERE price > {lo} AND price < {hi}",),
        params=_price_range, max_rows=60,
    ),
    Template(
        key="orders_in_month", difficulty="easy", skills=("dates", "count"),
        question="How many orders were placed in {month} {year}, whatever their status?",
        sql="SELECT COUNT(*) FROM orders WHERE order_date >= DATE '{year}-{mm}-01' AND order_date < DATE '{ny}-{nmm}-01'",
        explore="SELECT MIN(order_date), MAX(order_date) FROM orders",
        equivalent=(
            "SELECT COUNT(*) FROM orders WHERE year(order_date) = {year} AND month(order_date) = {m}",
            "SELECT COUNT(order_id) FROM orders WHERE strftime(order_date, '%Y-%m') = '{year}-{mm}'",
        ),
        wrong=("SELECT COUNT(*) FROM orders WHERE order_date BETWEEN DATE '{year}-{mm}-01' AND DATE '{ny}-{nmm}-01'",),
        params=_month, count=12,
    ),
    Template(
        key="segment_signups", difficulty="easy", skills=("group_by", "dates"),
        question="For each customer segment, how many customers signed up in {year}? Return the segment and the count.",
        sql="SELECT segment, COUNT(*) FROM customers WHERE year(signup_date) = {year} GROUP BY segment",
        explore="SELECT DISTINCT segment FROM customers",
        equivalent=("SELECT segment, COUNT(customer_id) FROM customers WHERE signup_date BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31' GROUP BY 1",),
        wrong=("SELECT segment, COUNT(*) FROM customers WHERE signup_date > DATE '{year}-01-01' AND signup_date < DATE '{year}-12-31' GROUP BY segment",),
        params=lambda s: {"year": s.choice([2019, 2020, 2021, 2022, 2023])}, count=5,
    ),
    Template(
        key="category_avg_price", difficulty="easy", skills=("join", "aggregate"),
        question="What is the average list price of the products in the {category} category?",
        sql="SELECT AVG(p.price) FROM products p JOIN categories c ON c.category_id = p.category_id WHERE c.name = '{category}'",
        explore="SELECT * FROM categories",
        equivalent=("SELECT AVG(price) FROM products WHERE category_id = (SELECT category_id FROM categories WHERE name = '{category}')",),
        wrong=("SELECT AVG(oi.unit_price) FROM order_items oi JOIN products p ON p.product_id = oi.product_id JOIN categories c ON c.category_id = p.category_id WHERE c.name = '{category}'",),
        params=lambda s: {"category": s.pick(CATEGORIES)}, count=12,
    ),
    Template(
        key="customer_orders", difficulty="medium", skills=("join", "filter"),
        question="How many orders has the customer {customer} placed, not counting cancelled orders?",
        sql="SELECT COUNT(*) FROM orders o JOIN customers c ON c.customer_id = o.customer_id WHERE c.name = '{customer}' AND o.status <> 'cancelled'",
        explore="SELECT customer_id, name, city FROM customers WHERE name = '{customer}'",
        equivalent=("SELECT COUNT(*) FROM orders WHERE status != 'cancelled' AND customer_id IN (SELECT customer_id FROM customers WHERE name = '{customer}')",),
        wrong=("SELECT COUNT(*) FROM orders o JOIN customers c ON c.customer_id = o.customer_id WHERE c.name = '{customer}'",),
        params=lambda s: {"customer": s.pick("SELECT DISTINCT c.name FROM customers c JOIN orders o ON o.customer_id = c.customer_id WHERE o.status = 'cancelled' ORDER BY 1")},
    ),
    Template(
        key="revenue_by_channel", difficulty="medium", skills=("join", "group_by", "dates"),
        question="What was the total revenue (quantity times unit price) of {status} orders for each sales channel in {year}? Return the channel and the revenue.",
        sql=f"SELECT o.channel, SUM({REVENUE}) FROM orders o JOIN order_items oi ON oi.order_id = o.order_id WHERE o.status = '{{status}}' AND year(o.order_date) = {{year}} GROUP BY o.channel",
        explore="SELECT DISTINCT channel, status FROM orders",
        equivalent=(f"WITH lines AS (SELECT o.channel, {REVENUE} AS amount FROM orders o, order_items oi WHERE oi.order_id = o.order_id AND o.status = '{{status}}' AND o.order_date >= DATE '{{year}}-01-01' AND o.order_date < DATE '{{year}}-12-31' + INTERVAL 1 DAY) SELECT channel, SUM(amount) FROM lines GROUP BY channel",),
        wrong=("SELECT o.channel, SUM(oi.unit_price) FROM orders o JOIN order_items oi ON oi.order_id = o.order_id WHERE o.status = '{status}' AND year(o.order_date) = {year} GROUP BY o.channel",),
        params=lambda s: {"status": s.choice(["delivered", "shipped", "returned"]), "year": s.choice(ORDER_YEARS)},
    ),
    Template(
        key="top_products_revenue", difficulty="medium", skills=("join", "group_by", "order_by", "limit"),
        question="Which {k} products in the {category} category brought in the most revenue (quantity times unit price) from delivered orders? List the product name and its revenue, highest first.",
        sql=f"SELECT p.name, SUM({REVENUE}) AS revenue FROM products p JOIN categories c ON c.category_id = p.category_id JOIN order_items oi ON oi.product_id = p.product_id JOIN orders o ON o.order_id = oi.order_id WHERE c.name = '{{category}}' AND o.status = 'delivered' GROUP BY p.product_id, p.name ORDER BY revenue DESC LIMIT {{k}}",
        explore="SELECT status, COUNT(*) FROM orders GROUP BY status",
        equivalent=(f"WITH rev AS (SELECT oi.product_id, SUM({REVENUE}) AS revenue FROM order_items oi JOIN orders o ON o.order_id = oi.order_id WHERE o.status = 'delivered' GROUP BY oi.product_id) SELECT p.name, rev.revenue FROM rev JOIN products p ON p.product_id = rev.product_id WHERE p.category_id = (SELECT category_id FROM categories WHERE name = '{{category}}') ORDER BY rev.revenue DESC LIMIT {{k}}",),
        wrong=(f"SELECT p.name, SUM({REVENUE}) AS revenue FROM products p JOIN categories c ON c.category_id = p.category_id JOIN order_items oi ON oi.product_id = p.product_id WHERE c.name = '{{category}}' GROUP BY p.product_id, p.name ORDER BY revenue DESC LIMIT {{k}}",),
        params=lambda s: {"category": s.pick(CATEGORIES), "k": s.randint(3, 6)},
        order_col=1, limit_param="k", count=12,
    ),
    Template(
        key="region_customers_without_orders", difficulty="medium", skills=("join", "anti_join", "subquery"),
        question="How many customers in the {region} have never placed an order?",
        sql="SELECT COUNT(*) FROM customers c JOIN regions r ON r.region_id = c.region_id WHERE r.name = '{region}' AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id)",
        explore="SELECT * FROM regions",
        equivalent=(
            "SELECT COUNT(*) FROM customers WHERE region_id = (SELECT region_id FROM regions WHERE name = '{region}') AND customer_id NOT IN (SELECT customer_id FROM orders)",
            "SELECT COUNT(*) FROM customers c JOIN regions r ON r.region_id = c.region_id LEFT JOIN orders o ON o.customer_id = c.customer_id WHERE r.name = '{region}' AND o.order_id IS NULL",
        ),
        wrong=("SELECT COUNT(*) FROM customers c JOIN regions r ON r.region_id = c.region_id WHERE r.name = '{region}' AND c.customer_id NOT IN (SELECT customer_id FROM orders WHERE status = 'delivered')",),
        params=lambda s: {"region": s.pick(REGIONS)}, count=8,
    ),
    Template(
        key="cities_with_many_segment_customers", difficulty="medium", skills=("group_by", "having"),
        question="Which cities have more than {n} customers in the {segment} segment? List the city names.",
        sql="SELECT city FROM customers WHERE segment = '{segment}' GROUP BY city HAVING COUNT(*) > {n}",
        explore="SELECT segment, COUNT(*) FROM customers GROUP BY segment",
        equivalent=("SELECT city FROM (SELECT city, COUNT(*) AS n FROM customers WHERE segment = '{segment}' GROUP BY city) t WHERE n > {n}",),
        wrong=("SELECT city FROM customers WHERE segment = '{segment}' GROUP BY city HAVING COUNT(*) >= {n}",),
        params=lambda s: (lambda seg: {"segment": seg, "n": s.randint(3, 12) if seg == "consumer" else s.randint(2, 6)})(s.pick(SEGMENTS)),
    ),
    Template(
        key="category_ratings", difficulty="medium", skills=("join", "group_by", "order_by", "dates"),
        question="What was the average review rating of each product category for reviews written in {year}? Return the category name and the average rating, from the highest average to the lowest.",
        sql="SELECT c.name, AVG(r.rating) AS avg_rating FROM reviews r JOIN products p ON p.product_id = r.product_id JOIN categories c ON c.category_id = p.category_id WHERE year(r.review_date) = {year} GROUP BY c.name ORDER BY avg_rating DESC",
        explore="SELECT * FROM reviews LIMIT 5",
        equivalent=("SELECT c.name, SUM(r.rating) * 1.0 / COUNT(*) AS avg_rating FROM categories c JOIN products p ON p.category_id = c.category_id JOIN reviews r ON r.product_id = p.product_id WHERE r.review_date BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31' GROUP BY c.category_id, c.name ORDER BY 2 DESC",),
        wrong=("SELECT name, AVG(avg_rating) AS a FROM (SELECT c.name, p.product_id, AVG(r.rating) AS avg_rating FROM reviews r JOIN products p ON p.product_id = r.product_id JOIN categories c ON c.category_id = p.category_id WHERE year(r.review_date) = {year} GROUP BY c.name, p.product_id) t GROUP BY name ORDER BY a DESC",),
        params=lambda s: {"year": s.choice([2021, 2022, 2023, 2024])}, order_col=1, count=4,
    ),
    Template(
        key="monthly_running_orders", difficulty="hard", skills=("window", "dates", "group_by"),
        question="For {year}, show every month number that had orders, the number of orders placed in that month that were not cancelled, and the running total of that number from January on, ordered by month.",
        sql="SELECT month(order_date) AS month, COUNT(*) AS orders, SUM(COUNT(*)) OVER (ORDER BY month(order_date)) AS running_total FROM orders WHERE year(order_date) = {year} AND status <> 'cancelled' GROUP BY month(order_date) ORDER BY month",
        explore="SELECT order_date, status FROM orders LIMIT 5",
        equivalent=("WITH m AS (SELECT month(order_date) AS month, COUNT(*) AS orders FROM orders WHERE order_date >= DATE '{year}-01-01' AND order_date < DATE '{ny}-01-01' AND status != 'cancelled' GROUP BY 1) SELECT month, orders, SUM(orders) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM m ORDER BY month",),
        wrong=("SELECT month(order_date) AS month, COUNT(*) AS orders, SUM(COUNT(*)) OVER (ORDER BY month(order_date)) AS running_total FROM orders WHERE year(order_date) = {year} GROUP BY month(order_date) ORDER BY month",),
        params=lambda s: (lambda y: {"year": y, "ny": y + 1})(s.choice(ORDER_YEARS)), order_col=0, count=4,
    ),
    Template(
        key="products_above_category_average", difficulty="hard", skills=("correlated_subquery", "join"),
        question="List the names of the products in the {category} category whose price is above the average price of the products in that category.",
        sql="SELECT p.name FROM products p JOIN categories c ON c.category_id = p.category_id WHERE c.name = '{category}' AND p.price > (SELECT AVG(p2.price) FROM products p2 WHERE p2.category_id = p.category_id)",
        explore="SELECT c.name, COUNT(*), AVG(p.price) FROM products p JOIN categories c ON c.category_id = p.category_id GROUP BY c.name",
        equivalent=("WITH avgs AS (SELECT category_id, AVG(price) AS avg_price FROM products GROUP BY category_id) SELECT p.name FROM products p JOIN avgs a ON a.category_id = p.category_id JOIN categories c ON c.category_id = p.category_id WHERE c.name = '{category}' AND p.price > a.avg_price",),
        wrong=("SELECT p.name FROM products p JOIN categories c ON c.category_id = p.category_id WHERE c.name = '{category}' AND p.price > (SELECT AVG(price) FROM products)",),
        params=lambda s: {"category": s.pick(CATEGORIES)}, count=12, max_rows=40,
    ),
    Template(
        key="top_spender_per_region", difficulty="hard", skills=("window", "cte", "join", "dates"),
        question="For each region, find the customer who spent the most (quantity times unit price over delivered orders) in {year}. Return the region name, the customer name and the amount spent.",
        sql=f"WITH spend AS (SELECT c.region_id, c.customer_id, c.name, SUM({REVENUE}) AS total FROM customers c JOIN orders o ON o.customer_id = c.customer_id JOIN order_items oi ON oi.order_id = o.order_id WHERE o.status = 'delivered' AND year(o.order_date) = {{year}} GROUP BY c.region_id, c.customer_id, c.name), ranked AS (SELECT *, RANK() OVER (PARTITION BY region_id ORDER BY total DESC) AS rk FROM spend) SELECT r.name, ranked.name, ranked.total FROM ranked JOIN regions r ON r.region_id = ranked.region_id WHERE rk = 1",
        explore="SELECT c.region_id, COUNT(*) FROM customers c GROUP BY 1",
        equivalent=(f"WITH spend AS (SELECT c.region_id, c.customer_id, c.name, SUM({REVENUE}) AS total FROM customers c JOIN orders o ON o.customer_id = c.customer_id JOIN order_items oi ON oi.order_id = o.order_id WHERE o.status = 'delivered' AND year(o.order_date) = {{year}} GROUP BY ALL) SELECT r.name, s.name, s.total FROM spend s JOIN regions r ON r.region_id = s.region_id WHERE s.total = (SELECT MAX(s2.total) FROM spend s2 WHERE s2.region_id = s.region_id)",),
        wrong=(f"WITH spend AS (SELECT c.region_id, c.customer_id, c.name, SUM({REVENUE}) AS total FROM customers c JOIN orders o ON o.customer_id = c.customer_id JOIN order_items oi ON oi.order_id = o.order_id WHERE year(o.order_date) = {{year}} GROUP BY c.region_id, c.customer_id, c.name), ranked AS (SELECT *, RANK() OVER (PARTITION BY region_id ORDER BY total DESC) AS rk FROM spend) SELECT r.name, ranked.name, ranked.total FROM ranked JOIN regions r ON r.region_id = ranked.region_id WHERE rk = 1",),
        params=lambda s: {"year": s.choice(ORDER_YEARS)}, count=4,
    ),
    Template(
        key="repeat_customers", difficulty="hard", skills=("subquery", "having", "dates"),
        question="How many customers placed at least {n} orders in {year} that were not cancelled?",
        sql="SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE status <> 'cancelled' AND year(order_date) = {year} GROUP BY customer_id HAVING COUNT(*) >= {n}) t",
        explore="SELECT customer_id, COUNT(*) FROM orders GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
        equivalent=("WITH per AS (SELECT customer_id, COUNT(*) AS n FROM orders WHERE status != 'cancelled' AND order_date BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31' GROUP BY customer_id) SELECT COUNT(*) FROM per WHERE n >= {n}",),
        wrong=("SELECT COUNT(*) FROM (SELECT customer_id FROM orders WHERE status <> 'cancelled' AND year(order_date) = {year} GROUP BY customer_id HAVING COUNT(*) > {n}) t",),
        params=lambda s: {"n": s.randint(2, 6), "year": s.choice(ORDER_YEARS)}, count=12,
    ),
    Template(
        key="days_to_first_order", difficulty="hard", skills=("dates", "group_by", "join"),
        question="For each customer living in {city} who has placed at least one order, how many days passed between signing up and their first order? Return the customer name and the number of days.",
        sql="SELECT c.name, MIN(o.order_date) - c.signup_date AS days FROM customers c JOIN orders o ON o.customer_id = c.customer_id WHERE c.city = '{city}' GROUP BY c.customer_id, c.name, c.signup_date",
        explore="SELECT name, signup_date FROM customers WHERE city = '{city}' LIMIT 5",
        equivalent=("SELECT c.name, date_diff('day', c.signup_date, f.first_order) FROM customers c JOIN (SELECT customer_id, MIN(order_date) AS first_order FROM orders GROUP BY customer_id) f ON f.customer_id = c.customer_id WHERE c.city = '{city}'",),
        wrong=("SELECT c.name, MAX(o.order_date) - c.signup_date AS days FROM customers c JOIN orders o ON o.customer_id = c.customer_id WHERE c.city = '{city}' GROUP BY c.customer_id, c.name, c.signup_date",),
        params=lambda s: {"city": s.pick(CITIES)}, count=10, max_rows=40,
    ),
    Template(
        key="supplier_region_revenue_share", difficulty="hard", skills=("conditional_aggregate", "join", "dates"),
        question="What percentage (0 to 100) of the revenue (quantity times unit price) of delivered orders in {year} came from products whose supplier is based in the {region}?",
        sql=f"SELECT 100.0 * SUM(CASE WHEN r.name = '{{region}}' THEN {REVENUE} ELSE 0 END) / SUM({REVENUE}) FROM order_items oi JOIN orders o ON o.order_id = oi.order_id JOIN products p ON p.product_id = oi.product_id JOIN suppliers s ON s.supplier_id = p.supplier_id JOIN regions r ON r.region_id = s.region_id WHERE o.status = 'delivered' AND year(o.order_date) = {{year}}",
        explore="SELECT s.name, r.name FROM suppliers s JOIN regions r ON r.region_id = s.region_id LIMIT 5",
        equivalent=(f"WITH lines AS (SELECT {REVENUE} AS amount, s.region_id FROM order_items oi JOIN orders o ON o.order_id = oi.order_id JOIN products p ON p.product_id = oi.product_id JOIN suppliers s ON s.supplier_id = p.supplier_id WHERE o.status = 'delivered' AND year(o.order_date) = {{year}}) SELECT 100 * (SELECT SUM(amount) FROM lines WHERE region_id = (SELECT region_id FROM regions WHERE name = '{{region}}')) / (SELECT SUM(amount) FROM lines)",),
        wrong=("SELECT 100.0 * SUM(CASE WHEN r.name = '{region}' THEN 1 ELSE 0 END) / COUNT(*) FROM order_items oi JOIN orders o ON o.order_id = oi.order_id JOIN products p ON p.product_id = oi.product_id JOIN suppliers s ON s.supplier_id = p.supplier_id JOIN regions r ON r.region_id = s.region_id WHERE o.status = 'delivered' AND year(o.order_date) = {year}",),
        params=lambda s: {"region": s.pick("SELECT DISTINCT r.name FROM regions r JOIN suppliers s ON s.region_id = r.region_id ORDER BY 1"), "year": s.choice(ORDER_YEARS)},
    ),
)
