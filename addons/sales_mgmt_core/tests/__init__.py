from . import (
    test_complaint,
    test_customer_segments,
    test_customer_tier,
    test_security,
    test_segmentation_unit,
    test_tour,
)
