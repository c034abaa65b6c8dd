from . import (
    test_complaint,
    test_customer_segments,
    test_customer_tier,
    test_order_approval,
    test_order_import,
    test_security,
    test_segmentation_unit,
    test_stock_alerts,
    test_tour,
)
