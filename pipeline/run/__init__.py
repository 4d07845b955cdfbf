"""The whole path of a wave, step by step, reusing what did not change.

``welfare run`` plans the steps (ingest, one unit per section notebook and per company
report, the site), runs the notebooks in warm kernels, renders them and swaps the staged
site in only when everything succeeded.
"""
