# Projectile input, written by SciAgents from projectile.in.tpl for one evaluation.
v0 = {{v0}}
angle_deg = {{angle}}
drag = {{drag:%.10g}}
