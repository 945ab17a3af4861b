# Recipes that only make sense with some distribution features: REQUIRED_DISTRO_FEATURES lists
# them; without one, the recipe is skipped with the reason (as OpenEmbedded's class does).
python () {
    distro = (d.getVar('DISTRO_FEATURES') or '').split()
    missing = [f for f in (d.getVar('REQUIRED_DISTRO_FEATURES') or '').split() if f not in distro]
    if missing:
        raise bb.parse.SkipRecipe("missing required distro feature%s '%s' (not in DISTRO_FEATURES)"
                                  % ('s' if len(missing) > 1 else '', ' '.join(missing)))
}
