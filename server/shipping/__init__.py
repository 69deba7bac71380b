"""Packing and shipping (to come): pack stations, cartons and their SSCCs, carriers, labels and
`order.shipped` with tracking. Builds on floor (picked totes), printing and orders."""
